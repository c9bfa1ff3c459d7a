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

    /// <summary>Every C# snippet of <see cref="Files"/>, in file then line order.</summary>
    public static IReadOnlyList<CodeSnippet> Snippets { get; } =
        Files.SelectMany(f => MarkdownSnippetReader.Read(f, File.ReadAllText(Path.Combine(RepositoryRoot, f)))).ToList();

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
