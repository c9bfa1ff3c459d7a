extern alias analyser;
using analyser::CrimeStreaming.Analyser;
using UsageException = analyser::CrimeStreaming.Demo.Cli.UsageException;

namespace CrimeStreaming.Samples.Tests;

/// <summary>The analyser joins the demo's analysis group from another process, and agrees with it on the results.</summary>
public sealed class AnalyserTests
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
    public void Disorder_is_remembered_as_given_or_not()
    {
        var without = AnalyserOptions.Parse(["--bootstrap-servers", "h:1"]);
        var with = AnalyserOptions.Parse(["--bootstrap-servers", "h:1", "--disorder", "691200"]);

        without.DisorderGiven.Should().BeFalse();
        without.DisorderOption.Should().BeNull();
        without.Disorder.Should().Be(TimeSpan.FromHours(1));
        with.DisorderGiven.Should().BeTrue();
        with.DisorderOption.Should().Be(TimeSpan.FromSeconds(691_200));
        with.Disorder.Should().Be(TimeSpan.FromSeconds(691_200));
    }

    [Fact]
    public async Task An_analyser_process_joins_the_demo_and_both_print_the_same_digest_as_a_demo_alone()
    {
        // Alone, as fast as possible: the reference digest.
        string reference;
        using (var alone = SampleProcess.Demo("--as-fast-as-possible", "--seed", "1", "--officers", "6"))
        {
            await alone.ExitAsync(TimeSpan.FromMinutes(2));
            alone.ExitCode.Should().Be(0, alone.Stderr);
            reference = alone.Digest();
        }

        // Live, with a second process in the group, started with the command the demo prints (its bootstrap servers and
        // its allowed disorder, two real seconds of simulated time): the year of the sample in about 16 s, so the
        // analyser joins mid-stream.
        using var demo = SampleProcess.Demo("--acceleration", "2000000", "--seed", "1", "--officers", "6");
        await demo.WaitForOutputAsync("Another process joins with: ", TimeSpan.FromMinutes(1));
        var join = demo.JoinArguments();
        join.Should().ContainInConsecutiveOrder("--disorder", "4000000");
        using var member = SampleProcess.Analyser(join);
        await member.ExitAsync(TimeSpan.FromMinutes(2));
        await demo.ExitAsync(TimeSpan.FromMinutes(2));

        member.ExitCode.Should().Be(0, member.Stderr);
        demo.ExitCode.Should().Be(0, demo.Stderr);
        member.Digest().Should().Be(reference);
        demo.Digest().Should().Be(reference);
        member.Stdout.Should().MatchRegex(@"analysis instance 1: read [1-9]", "the analyser took a share of the partitions");
        demo.Stderr.Should().Contain("Other group members took part", "the analyser took part");
    }

    [Fact]
    public async Task An_analyser_pointed_at_topics_it_cannot_use_says_why_on_one_error_line_and_exits_1()
    {
        // A live demo that runs for minutes hosts the cluster; the analyser is pointed at topics the demo did not create
        // (missing, or made by the embedded cluster on first use with several partitions). It checks them before it
        // starts an instance (reading the group's settings needs them), so it stops there, naming the topic.
        using var demo = SampleProcess.Demo("--acceleration", "3600", "--seed", "1");
        await demo.WaitForOutputAsync("Another process joins with: ", TimeSpan.FromMinutes(1));
        string[] args = [.. demo.JoinArguments(), "--topic", "no-such-topic", "--results-topic", "no-such-topic-windows"];

        using var member = await SampleProcess.Analyser(args).ExitAsync(TimeSpan.FromMinutes(1));
        demo.Signal("TERM");
        await demo.ExitAsync(TimeSpan.FromMinutes(1));

        member.ShouldBeOneErrorLine(1).Should().StartWith("error: ").And.Contain("no-such-topic");
        member.Stdout.Should().NotContain("analysis instance 1: read", "no instance started");
        demo.ExitCode.Should().Be(130, demo.Stderr);
    }
}
