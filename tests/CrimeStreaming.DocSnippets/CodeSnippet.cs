namespace CrimeStreaming.DocSnippets;

/// <summary>One fenced C# code block of a Markdown file.</summary>
/// <param name="File">The Markdown file, relative to the repository root, with '/' separators.</param>
/// <param name="Line">The 1-based line of the block's first line of code (the line after the opening fence).</param>
/// <param name="Code">The code, with the fence's indentation removed.</param>
/// <param name="NoRun">True for a block marked <c>no-run</c>: compiled, not run.</param>
public sealed record CodeSnippet(string File, int Line, string Code, bool NoRun)
{
    /// <summary>Where the block is, as editors and compilers write it: <c>docs/getting-started.md:18</c>.</summary>
    public string Id => $"{File}:{Line}";

    /// <inheritdoc />
    public override string ToString() => Id;
}
