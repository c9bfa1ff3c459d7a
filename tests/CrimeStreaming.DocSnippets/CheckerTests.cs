namespace CrimeStreaming.DocSnippets;

/// <summary>The checker itself: it finds the blocks it should, and a broken snippet fails with its file and line.</summary>
public sealed class CheckerTests
{
    private const string Markdown = """
        # Title

        ```bash
        dotnet test
        ```

        ```csharp
        Console.WriteLine("one");
        ```

        1. In a list:

           ~~~~cs no-run
           int x = 1;
           ```
           Console.WriteLine(x);
           ~~~~

        ```C#
        var s = "unfenced";
        ```
        """;

    [Fact]
    public void Reader_finds_the_csharp_blocks_with_their_lines_and_markers()
    {
        var snippets = MarkdownSnippetReader.Read("a.md", Markdown);

        snippets.Select(s => (s.Line, s.NoRun)).Should().Equal((8, false), (14, true), (20, false));
        snippets[0].Code.Should().Be("Console.WriteLine(\"one\");");
        snippets[1].Code.Should().Be("int x = 1;\n```\nConsole.WriteLine(x);", "a shorter or different fence does not close the block; the list indent is removed");
    }

    [Theory]
    [InlineData("```csharp norun\nx();\n```\n", "a.md:1: unknown marker 'norun'")]
    [InlineData("text\n```csharp\nx();\n", "a.md:2: the C# block opened here is never closed")]
    public void Reader_rejects_a_misspelt_marker_and_an_unclosed_block(string markdown, string message)
    {
        var read = () => MarkdownSnippetReader.Read("a.md", markdown);

        read.Should().Throw<FormatException>().WithMessage(message + "*");
    }

    [Fact]
    public void A_snippet_that_does_not_compile_is_reported_at_its_markdown_line()
    {
        var compilation = SnippetCompiler.Compile(new CodeSnippet("docs/x.md", 10, "var streamer = new BasicCrimeStreamer();\nConsole.WriteLine(streamer);", NoRun: false));

        compilation.Succeeded.Should().BeFalse();
        compilation.Errors.Should().ContainSingle().Which.Should().StartWith("docs/x.md:10:20: error CS0246").And.Contain("BasicCrimeStreamer");
    }

    [Fact]
    public void A_warning_fails_the_snippet_as_it_fails_this_repository()
    {
        var compilation = SnippetCompiler.Compile(new CodeSnippet("docs/x.md", 3, "string s = null;\nConsole.WriteLine(s);", NoRun: false));

        compilation.Errors.Should().ContainSingle().Which.Should().StartWith("docs/x.md:3:12: error CS8600");
    }

    [Fact]
    public async Task A_snippet_that_compiles_runs_in_the_given_directory_and_its_output_is_returned()
    {
        var compilation = SnippetCompiler.Compile(new CodeSnippet("docs/x.md", 1, "using CrimeStreaming;\nConsole.WriteLine($\"{Environment.CurrentDirectory}|{GeoPoint.Usc.Latitude}\");", NoRun: false));
        compilation.Errors.Should().BeEmpty();
        var directory = Path.GetTempPath().TrimEnd(Path.DirectorySeparatorChar);

        var printed = await SnippetRunner.RunAsync(compilation, directory, TimeSpan.FromSeconds(30));

        printed.Trim().Should().Be($"{new DirectoryInfo(directory).FullName}|34.021861");
    }

    // Snippets that end get a generous timeout, so that a loaded machine cannot turn "threw" into "still running";
    // only the one that never ends is given a short one.
    [Theory]
    [InlineData("throw new InvalidOperationException(\"boom\");", 30, "docs/x.md:1: threw InvalidOperationException: boom")]
    [InlineData("return 3;", 30, "docs/x.md:1: exited with code 3")]
    [InlineData("await Task.Delay(TimeSpan.FromMinutes(1));", 1, "docs/x.md:1: still running after 1 s")]
    public async Task A_snippet_that_throws_fails_or_hangs_fails_with_its_place(string code, int timeoutSeconds, string message)
    {
        var compilation = SnippetCompiler.Compile(new CodeSnippet("docs/x.md", 1, code, NoRun: false));
        compilation.Errors.Should().BeEmpty();

        var run = () => SnippetRunner.RunAsync(compilation, Path.GetTempPath(), TimeSpan.FromSeconds(timeoutSeconds));

        (await run.Should().ThrowAsync<SnippetFailedException>()).WithMessage(message + "*");
    }
}
