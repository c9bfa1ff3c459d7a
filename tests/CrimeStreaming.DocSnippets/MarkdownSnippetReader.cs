using System.Text.RegularExpressions;

namespace CrimeStreaming.DocSnippets;

/// <summary>Extracts the fenced C# code blocks of a Markdown file (CommonMark fences: ``` or ~~~, three or more).</summary>
/// <remarks>
/// A block is C# when its info string starts with <c>csharp</c>, <c>cs</c> or <c>c#</c> (any case). The words after the
/// language are markers; the only one is <c>no-run</c>. Any other word is an error, so that a misspelt marker cannot
/// silently turn a check off. Blocks in other languages (bash, text, an unlabelled block) are ignored.
/// </remarks>
public static partial class MarkdownSnippetReader
{
    /// <summary>The marker of a block that must compile but is not run.</summary>
    public const string NoRunMarker = "no-run";

    private static readonly string[] CSharpLanguages = ["csharp", "cs", "c#"];

    /// <summary>Reads the C# blocks of <paramref name="markdown"/>.</summary>
    /// <param name="file">The file's name to report, relative to the repository root.</param>
    /// <param name="markdown">The file's text.</param>
    /// <exception cref="FormatException">A C# block has an unknown marker or is never closed; the message names file and line.</exception>
    public static IReadOnlyList<CodeSnippet> Read(string file, string markdown)
    {
        ArgumentNullException.ThrowIfNull(file);
        ArgumentNullException.ThrowIfNull(markdown);

        var lines = markdown.ReplaceLineEndings("\n").Split('\n');
        var snippets = new List<CodeSnippet>();
        for (var i = 0; i < lines.Length; i++)
        {
            var open = OpeningFence().Match(lines[i]);
            if (!open.Success)
            {
                continue;
            }

            var indent = open.Groups["indent"].Length;
            var fence = open.Groups["fence"].Value;
            var info = open.Groups["info"].Value.Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries);
            var start = i + 1;
            var end = start;
            while (end < lines.Length && !IsClosingFence(lines[end], fence))
            {
                end++;
            }

            var isCSharp = info.Length > 0 && CSharpLanguages.Contains(info[0], StringComparer.OrdinalIgnoreCase);
            if (isCSharp)
            {
                if (end == lines.Length)
                {
                    throw new FormatException($"{file}:{i + 1}: the C# block opened here is never closed.");
                }

                var unknown = info.Skip(1).Where(m => m != NoRunMarker).ToList();
                if (unknown.Count > 0)
                {
                    throw new FormatException($"{file}:{i + 1}: unknown marker '{unknown[0]}' on a C# block (the only marker is '{NoRunMarker}').");
                }

                var code = string.Join('\n', lines[start..end].Select(l => Unindent(l, indent)));
                snippets.Add(new CodeSnippet(file, start + 1, code, info.Contains(NoRunMarker)));
            }

            i = end;
        }

        return snippets;
    }

    private static bool IsClosingFence(string line, string fence)
    {
        var trimmed = line.TrimStart(' ');
        return trimmed.StartsWith(fence, StringComparison.Ordinal)
            && trimmed.TrimEnd().All(c => c == fence[0]);
    }

    // Removes up to the opening fence's indentation (CommonMark), so blocks inside list items read as written.
    private static string Unindent(string line, int indent)
    {
        var spaces = 0;
        while (spaces < indent && spaces < line.Length && line[spaces] == ' ')
        {
            spaces++;
        }

        return line[spaces..];
    }

    // Any indentation: a fence inside a list item is indented by the item's width.
    [GeneratedRegex(@"^(?<indent> *)(?<fence>`{3,}|~{3,})(?<info>[^`]*)$")]
    private static partial Regex OpeningFence();
}
