namespace CrimeStreaming.DocSnippets;

/// <summary>The documentation whose C# snippets are checked, found afresh on every run so that new files count.</summary>
public static class Documentation
{
    /// <summary>The repository root: the nearest folder above this assembly that holds CrimeStreaming.sln.</summary>
    public static string RepositoryRoot { get; } = FindRoot();

    /// <summary>
    /// The checked Markdown files, relative to the root: README.md, every *.md under docs/ (any depth), and the
    /// packages' src/*/README.md.
    /// </summary>
    public static IReadOnlyList<string> Files { get; } = FindFiles();

    /// <summary>Every C# snippet of <see cref="Files"/>, in file then line order (none of a file in <see cref="ReadErrors"/>).</summary>
    public static IReadOnlyList<CodeSnippet> Snippets => Read.Value.Snippets;

    /// <summary>The files whose C# blocks could not be read (a misspelt marker, an unclosed block), with the reason.</summary>
    public static IReadOnlyList<string> ReadErrors => Read.Value.Errors;

    // Read once, and without throwing: a test reports the errors, while the other files' snippets still run.
    private static readonly Lazy<(List<CodeSnippet> Snippets, List<string> Errors)> Read = new(() =>
    {
        var snippets = new List<CodeSnippet>();
        var errors = new List<string>();
        foreach (var file in Files)
        {
            try
            {
                snippets.AddRange(MarkdownSnippetReader.Read(file, File.ReadAllText(Path.Combine(RepositoryRoot, file))));
            }
            catch (FormatException e)
            {
                errors.Add(e.Message);
            }
        }

        return (snippets, errors);
    });

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "CrimeStreaming.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"No CrimeStreaming.sln above {AppContext.BaseDirectory}.");
    }

    private static List<string> FindFiles()
    {
        var root = RepositoryRoot;
        var files = new List<string> { Path.Combine(root, "README.md") };
        files.AddRange(Directory.EnumerateFiles(Path.Combine(root, "docs"), "*.md", SearchOption.AllDirectories));
        files.AddRange(Directory.EnumerateDirectories(Path.Combine(root, "src"))
            .Select(d => Path.Combine(d, "README.md"))
            .Where(File.Exists));
        return files
            .Select(f => Path.GetRelativePath(root, f).Replace('\\', '/'))
            .Order(StringComparer.Ordinal)
            .ToList();
    }
}
