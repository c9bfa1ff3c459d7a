extern alias analyser;
using System.Text.RegularExpressions;
using analyser::CrimeStreaming.Analyser;
using UsageException = analyser::CrimeStreaming.Demo.Cli.UsageException;

namespace CrimeStreaming.Samples.Tests;

/// <summary>The analyser joins the demo's analysis group from another process, and agrees with it on the results.</summary>
public sealed partial class AnalyserTests
{
    [Theory]
    [InlineData(new string[0], "--bootstrap-servers: required (the demo prints its cluster's).")]
    [InlineData(new[] { "--bootstrap-servers", "h:1", "--consumers", "0" }, "--consumers: '0' is not a whole number from 1 to 64.")]
    [InlineData(new[] { "--bootstrap-servers", "h:1", "--disorder", "-1" }, "--disorder: '-1' is not a whole number from 0 to 31,622,400.")]
    [InlineData(new[] { "--bootstrap-servers", "h:1", "--group", "a b" }, "--group: 'a b' is not a Kafka name (1 to 249 of a-z A-Z 0-9 . _ -).")]
    [InlineData(new[] { "--bootstrap-servers", "h:1", "--results-topic", "la-crime" }, "--results-topic: must differ from --topic ('la-crime').")]
    [InlineData(new[] { "--bootstrap-servers", " " }, "--bootstrap-servers: give host:port[,host:port...].")]
    public void Bad_options_name_the_option(string[] args, string message)
    {
        var parse = () => AnalyserOptions.Parse(args);

        parse.Should().Throw<UsageException>().WithMessage(message);
    }

    [Fact]
    public void Help_wins()
    {
        AnalyserOptions.Parse(["--bogus", "--help"]).Help.Should().BeTrue();
        AnalyserOptions.Usage.Should().Contain("Usage: CrimeStreaming.Analyser --bootstrap-servers LIST");
    }

    [Fact]
    public async Task An_unreachable_cluster_is_one_error_line_and_exit_1()
    {
        using var process = SampleProcess.Analyser("--bootstrap-servers", "127.0.0.1:1", "--kafka-timeout", "2");
        await process.ExitAsync(TimeSpan.FromSeconds(30));

        process.ExitCode.Should().Be(1);
        process.Stderr.Trim().Should().StartWith("error: ").And.NotContain("\n");
    }

    [Fact]
    public async Task An_analyser_process_joins_the_demo_and_both_print_the_same_digest_as_a_demo_alone()
    {
        // Alone, as fast as possible: the reference digest.
        using (var alone = SampleProcess.Demo("--as-fast-as-possible", "--seed", "1", "--officers", "6"))
        {
            await alone.ExitAsync(TimeSpan.FromMinutes(2));
            alone.ExitCode.Should().Be(0, alone.Stderr);
            _reference = Digest(alone.Stdout);
        }

        // Live, with a second process in the group: the year of the sample in about 16 s, so the analyser joins mid-stream.
        using var demo = SampleProcess.Demo("--acceleration", "2000000", "--seed", "1", "--officers", "6");
        await demo.WaitForOutputAsync("Kafka bootstrap servers: ", TimeSpan.FromMinutes(1));
        var bootstrap = BootstrapLine().Match(demo.Stdout).Groups[1].Value;
        using var member = SampleProcess.Analyser("--bootstrap-servers", bootstrap);
        await member.ExitAsync(TimeSpan.FromMinutes(2));
        await demo.ExitAsync(TimeSpan.FromMinutes(2));

        member.ExitCode.Should().Be(0, member.Stderr);
        demo.ExitCode.Should().Be(0, demo.Stderr);
        Digest(member.Stdout).Should().Be(_reference);
        Digest(demo.Stdout).Should().Be(_reference);
        member.Stdout.Should().MatchRegex(@"analysis instance 1: read [1-9]", "the analyser took a share of the partitions");
    }

    private string? _reference;

    private static string Digest(string stdout)
    {
        var lines = stdout.TrimEnd().Split('\n');
        lines[^1].Should().StartWith("results sha256: ", "the summary ends with the digest line");
        return lines[^1]["results sha256: ".Length..].Trim();
    }

    [GeneratedRegex(@"Kafka bootstrap servers: (\S+)")]
    private static partial Regex BootstrapLine();
}
