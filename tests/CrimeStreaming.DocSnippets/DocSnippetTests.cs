using System.Collections.Concurrent;
using Xunit.Abstractions;

namespace CrimeStreaming.DocSnippets;

/// <summary>
/// Every ```csharp block of README.md, docs/**/*.md and src/*/README.md compiles and runs as shown.
/// </summary>
/// <remarks>
/// Conventions for documentation writers:
/// <list type="bullet">
/// <item>A block is the whole Program.cs of a new console app (<c>dotnet new console</c>: implicit usings and nullable
/// on) that references the CrimeStreaming, CrimeStreaming.Kafka and CrimeStreaming.Kafka.Embedded packages: it states
/// its own <c>using CrimeStreaming…;</c> directives and defines what it uses. Types it declares go after its statements.</item>
/// <item>It runs from the repository root (the bundled data is <c>samples/data/…</c>), with no arguments, and must end
/// within <see cref="Timeout"/> with exit code 0: replay on virtual time (<c>AsFastAsPossible = true</c>) or
/// generated data, not at a live pace.</item>
/// <item><c>```csharp no-run</c> marks a block that must compile but is not run (for instance one that needs a real
/// Kafka cluster). A block of declarations only compiles as a library and must be marked no-run too.</item>
/// <item>Any other word after the language is an error; blocks in other languages (<c>```bash</c>, <c>```text</c>)
/// are not checked here.</item>
/// </list>
/// Run only these: <c>dotnet test tests/CrimeStreaming.DocSnippets -c Release</c>.
/// </remarks>
public sealed class DocSnippetTests(ITestOutputHelper output)
{
    /// <summary>How long one snippet may run.</summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromMinutes(2);

    // All snippets compile in parallel on first use (they share the parsed references); each test reads its result.
    private static readonly Lazy<ConcurrentDictionary<string, SnippetCompilation>> Compilations = new(() =>
        new ConcurrentDictionary<string, SnippetCompilation>(
            Documentation.Snippets.AsParallel().Select(SnippetCompiler.Compile).ToDictionary(c => c.Snippet.Id)));

    /// <summary>The ids of the snippets, one test case each.</summary>
    public static TheoryData<string> SnippetIds()
    {
        var data = new TheoryData<string>();
        foreach (var snippet in Documentation.Snippets)
        {
            data.Add(snippet.Id);
        }

        return data;
    }

    /// <summary>
    /// Snippets known to be broken in files this test cannot fix, by file and first line of code, with the fix. Such a
    /// snippet must still fail: once fixed, the test fails until its entry is removed, so the list can only shrink.
    /// </summary>
    private static readonly Dictionary<(string File, string FirstLine), string> KnownBroken = new()
    {
    };

    [Theory]
    [MemberData(nameof(SnippetIds))]
    public async Task Snippet_compiles_and_runs_as_shown(string id)
    {
        var compilation = Compilations.Value[id];
        var firstLine = compilation.Snippet.Code.Split('\n')[0].TrimEnd();
        if (KnownBroken.TryGetValue((compilation.Snippet.File, firstLine), out var fix))
        {
            compilation.Errors.Should().NotBeEmpty($"{id} is listed as known broken ({fix}); now that it compiles, remove it from {nameof(KnownBroken)}");
            output.WriteLine($"{id}: known broken, to fix: {fix}\n{string.Join('\n', compilation.Errors)}");
            return;
        }

        compilation.Errors.Should().BeEmpty($"{id} must compile as the Program.cs of a console app referencing the packages");

        if (compilation.Snippet.NoRun)
        {
            output.WriteLine($"{id}: compiled; marked {MarkdownSnippetReader.NoRunMarker}, not run.");
            return;
        }

        compilation.IsProgram.Should().BeTrue($"{id} has no statements to run: mark it '{MarkdownSnippetReader.NoRunMarker}' or show how it is used");
        var printed = await SnippetRunner.RunAsync(compilation, Documentation.RepositoryRoot, Timeout);
        output.WriteLine(printed);
    }

    [Fact]
    public void Every_csharp_block_of_the_documentation_is_well_formed()
    {
        Documentation.ReadErrors.Should().BeEmpty("a C# block takes only the '{0}' marker and must be closed", MarkdownSnippetReader.NoRunMarker);
    }

    [Fact]
    public void Documentation_set_covers_the_readmes_and_every_doc()
    {
        Documentation.Files.Should().Contain(["README.md", "docs/getting-started.md", "src/CrimeStreaming/README.md", "src/CrimeStreaming.Kafka/README.md", "src/CrimeStreaming.Kafka.Embedded/README.md"]);
        Documentation.Files.Should().HaveCount(
            1 + Directory.GetFiles(Path.Combine(Documentation.RepositoryRoot, "docs"), "*.md", SearchOption.AllDirectories).Length
              + Directory.GetDirectories(Path.Combine(Documentation.RepositoryRoot, "src")).Count(d => File.Exists(Path.Combine(d, "README.md"))));
        Documentation.Snippets.Should().Contain(s => s.File == "src/CrimeStreaming/README.md" && !s.NoRun);
    }
}
