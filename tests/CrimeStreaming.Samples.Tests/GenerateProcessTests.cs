namespace CrimeStreaming.Samples.Tests;

/// <summary>The generator as users run it.</summary>
public sealed class GenerateProcessTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("generate-cli-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task An_unwritable_out_is_a_usage_error()
    {
        using var app = await SampleProcess.Generate("--out", "/proc/crimes.csv").ExitAsync();

        app.ShouldBeOneErrorLine(2).Should().Contain("--out: cannot create files in /proc");
    }

    [Fact]
    public async Task Help_is_printed_and_wins()
    {
        using var app = await SampleProcess.Generate("--rows", "x", "-h").ExitAsync();

        app.ExitCode.Should().Be(0);
        app.Stdout.Should().Contain("Usage: CrimeStreaming.Generate --out FILE");
    }

    [Fact]
    public async Task Writes_the_rows_asked_for()
    {
        var file = Path.Combine(_dir, "small.csv");

        using var app = await SampleProcess.Generate("--out", file, "--rows", "1000", "--seed", "3").ExitAsync();

        app.ExitCode.Should().Be(0, app.Stderr);
        File.ReadLines(file).Count().Should().Be(1001);
        app.Stdout.Should().StartWith("1,000 rows (LAPD 2020-present, seed 3) written to ", "the summary names the layout, not the schema object");
        app.Stdout.Should().NotContain("\r", "no progress bar on redirected output");
    }

    [Fact]
    public async Task Stopping_removes_the_partial_file_and_exits_130()
    {
        var file = Path.Combine(_dir, "huge.csv");
        using var app = SampleProcess.Generate("--out", file, "--rows", "1000000000");
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!(File.Exists(file) && new FileInfo(file).Length > 0) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(20);
        }

        app.Signal("TERM");
        await app.ExitAsync(TimeSpan.FromSeconds(30));

        app.ExitCode.Should().Be(130, app.Stderr);
        File.Exists(file).Should().BeFalse("a truncated file would read as a valid, shorter one");
        app.Stderr.Should().NotContain("   at ");
    }
}
