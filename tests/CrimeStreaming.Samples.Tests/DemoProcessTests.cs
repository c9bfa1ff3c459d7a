using System.Diagnostics;

namespace CrimeStreaming.Samples.Tests;

/// <summary>The demo as users run it: exit codes, one error line, no stack trace, signals.</summary>
public sealed class DemoProcessTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("demo-cli-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Theory]
    [InlineData("--officers", "0")]
    [InlineData("--acceleration", "1e12")]
    [InlineData("--acceleration", "NaN")]
    [InlineData("--chart", "/nonexistent/dir/x.png")]
    [InlineData("--file", "/nonexistent/crimes.csv")]
    [InlineData("--results-out", "results.txt")]
    [InlineData("--results-out", "/nonexistent/dir/results.jsonl")]
    public async Task Usage_errors_exit_2_with_one_line(string option, string value)
    {
        using var app = await SampleProcess.Demo(option, value).ExitAsync();

        app.ShouldBeOneErrorLine(2).Should().Contain(option);
    }

    [Theory]
    [InlineData("results.jsonl")]
    [InlineData("results.csv")]
    public async Task Results_out_keeps_every_window_the_digest_covers(string name)
    {
        var path = Path.Combine(_dir, name);

        using var app = await SampleProcess.Demo("--as-fast-as-possible", "--seed", "1", "--results-out", path).ExitAsync(TimeSpan.FromMinutes(2));

        app.ExitCode.Should().Be(0, app.Stderr);
        var windows = long.Parse(System.Text.RegularExpressions.Regex.Match(app.Stdout, @"; ([\d,]+) windows over").Groups[1].Value.Replace(",", "", StringComparison.Ordinal), System.Globalization.CultureInfo.InvariantCulture);
        var lines = File.ReadAllLines(path);
        app.Stdout.Should().Contain($"{windows:N0} window results written to {path}");
        if (name.EndsWith(".csv", StringComparison.Ordinal))
        {
            lines[0].Should().Be("hours,start,end,total,near_usc,top_types,top_areas");
            lines.Should().HaveCount((int)windows + 1);
            lines.Skip(1).Should().OnlyContain(l => l.StartsWith("1,", StringComparison.Ordinal) || l.StartsWith("6,", StringComparison.Ordinal) || l.StartsWith("12,", StringComparison.Ordinal));
            lines.Should().Contain(l => l.Contains("\"ASSAULT WITH DEADLY WEAPON, AGGRAVATED ASSAULT=", StringComparison.Ordinal), "a ranking with a comma is quoted");
        }
        else
        {
            lines.Should().HaveCount((int)windows);
            var parsed = lines.Select(l => System.Text.Json.JsonDocument.Parse(l).RootElement).ToList();
            parsed.Should().OnlyContain(e => new[] { 1, 6, 12 }.Contains(e.GetProperty("hours").GetInt32()));
            parsed.Where(e => e.GetProperty("hours").GetInt32() == 1).Sum(e => e.GetProperty("total").GetInt64())
                .Should().Be(1958, "the 1-hour windows tile the replay: each report counts in exactly one");
        }
    }

    [Fact]
    public async Task A_file_of_another_schema_is_refused_before_anything_starts()
    {
        var file = Write("other.csv", "id,name\n1,x\n");

        using var app = await SampleProcess.Demo("--file", file).ExitAsync();

        app.ShouldBeOneErrorLine(2).Should().Contain("--file: ").And.Contain(file).And.Contain("DR_NO");
        app.Stdout.Should().NotContain("Topic", "no cluster was started");
    }

    [Fact]
    public async Task Binary_garbage_is_refused_as_not_a_text_file()
    {
        var file = Path.Combine(_dir, "garbage.csv");
        File.WriteAllBytes(file, [.. Enumerable.Range(0, 4096).Select(i => (byte)(i * 7919 % 256))]);

        using var app = await SampleProcess.Demo("--file", file).ExitAsync();

        app.ShouldBeOneErrorLine(2).Should().Contain("is not a CSV text file");
    }

    [Fact]
    public async Task Help_wins_over_a_bad_option()
    {
        using var app = await SampleProcess.Demo("--bogus", "--officers", "0", "--help").ExitAsync();

        app.ExitCode.Should().Be(0);
        app.Stdout.Should().Contain("Usage: CrimeStreaming.Demo").And.Contain("1 to 10,000,000");
        app.Stderr.Should().BeEmpty();
    }

    [Theory]
    [InlineData("")]
    [InlineData("header")]
    public async Task An_input_without_rows_warns_and_leaves_kafka_alone(string content)
    {
        var header = File.ReadLines(Path.Combine(AppContext.BaseDirectory, "data", "la-crime-2020-present-sample.csv")).First();
        var file = Write("empty.csv", content == "header" ? header + "\n" : string.Empty);

        using var app = await SampleProcess.Demo("--file", file, "--as-fast-as-possible").ExitAsync();

        app.ExitCode.Should().Be(0);
        app.Stderr.Should().StartWith("warning: ").And.Contain("has no data rows");
        app.Stdout.Should().Contain("rows read 0").And.NotContain("Topic");
    }

    [Fact]
    public async Task Rows_without_crimes_of_interest_warn()
    {
        var lines = File.ReadLines(Path.Combine(AppContext.BaseDirectory, "data", "la-crime-2020-present-sample.csv")).Take(200)
            .Where((l, i) => i == 0 || !(l.Contains("ASSAULT", StringComparison.Ordinal) || l.Contains("BURGLARY", StringComparison.Ordinal) || l.Contains("ROBBERY", StringComparison.Ordinal)))
            .ToArray();
        var file = Write("dull.csv", string.Join("\n", lines) + "\n");

        using var app = await SampleProcess.Demo("--file", file, "--as-fast-as-possible").ExitAsync();

        app.ExitCode.Should().Be(0);
        app.Stderr.Should().StartWith("warning: none of the").And.Contain("is a crime of interest");
    }

    [Fact]
    public async Task An_unreachable_broker_fails_within_the_timeout_with_one_line()
    {
        var watch = Stopwatch.StartNew();

        using var app = await SampleProcess.Demo("--bootstrap-servers", "127.0.0.1:1", "--kafka-timeout", "2").ExitAsync();

        app.ShouldBeOneErrorLine(1).Should().Contain("Kafka at 127.0.0.1:1 did not answer within 2 s");
        watch.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task Secrets_are_not_echoed()
    {
        using var app = await SampleProcess.Demo("-X", "sasl.password=hunter2", "-X", "no.such.key=hunter2").ExitAsync();

        app.ShouldBeOneErrorLine(2).Should().Contain("no.such.key");
        app.Stdout.Should().Contain("sasl.password=***");
        (app.Stdout + app.Stderr).Should().NotContain("hunter2");
    }

    [Theory]
    [InlineData("TERM")]
    [InlineData("INT")]
    public async Task A_stop_signal_during_the_replay_flushes_and_prints_the_summary(string signal)
    {
        // One simulated hour per real second: the sample takes a year, so the signal always lands mid-replay.
        using var app = SampleProcess.Demo("--acceleration", "3600", "--seed", "1");
        await app.WaitForOutputAsync("Replaying", TimeSpan.FromSeconds(30));

        app.Signal(signal);
        await app.ExitAsync(TimeSpan.FromSeconds(30));

        app.ExitCode.Should().Be(130, app.Stderr);
        app.Stdout.Should().Contain("Summary (stopped by").And.Contain("pending 0");
        app.Stderr.Should().NotContain("   at ");
    }

    [Fact]
    public async Task A_stop_signal_while_loading_exits_130_without_a_stack_trace()
    {
        var file = Path.Combine(_dir, "big.csv");
        using (var generate = await SampleProcess.Generate("--out", file, "--rows", "1500000", "--seed", "5").ExitAsync(TimeSpan.FromSeconds(60)))
        {
            generate.ExitCode.Should().Be(0, generate.Stderr);
        }

        using var app = SampleProcess.Demo("--file", file, "--as-fast-as-possible", "--officers", "64", "--partitions", "64");
        await Task.Delay(700); // past start-up, inside the header check or the load (~2 s for this file)

        app.Signal("INT");
        await app.ExitAsync(TimeSpan.FromSeconds(30));

        app.ExitCode.Should().Be(130, app.Stdout + app.Stderr);
        (app.Stdout + app.Stderr).Should().NotContain("   at ").And.NotContain("OperationCanceledException");
    }

    [Fact]
    public async Task The_join_command_is_exact_with_the_names_and_disorder_of_this_run()
    {
        using var app = await SampleProcess.Demo("--as-fast-as-possible", "--seed", "1", "--topic", "t1", "--results-topic", "r1", "--group", "g1").ExitAsync(TimeSpan.FromMinutes(2));

        app.ExitCode.Should().Be(0, app.Stderr);
        app.Stdout.Should().Contain("Analysis: 1 instance(s) in group g1, results on r1, allowed disorder 3,600 s\n");
        var join = app.JoinArguments();
        join.Should().Equal("--bootstrap-servers", join[1], "--disorder", "3600", "--topic", "t1", "--results-topic", "r1", "--group", "g1");
    }

    [Theory]
    [InlineData("345600", "691,200", "691200")]
    [InlineData("1000", "3,600", "3600")]
    [InlineData("1800.2", "3,601", "3601")]
    public async Task A_live_run_prints_its_disorder_and_the_join_command_gives_it(string acceleration, string shown, string given)
    {
        using var app = SampleProcess.Demo("--acceleration", acceleration, "--seed", "1");
        await app.WaitForOutputAsync("Another process joins with: ", TimeSpan.FromMinutes(1));
        app.Signal("TERM");
        await app.ExitAsync(TimeSpan.FromMinutes(1));

        app.Stdout.Should().Contain($"allowed disorder {shown} s\n");
        app.JoinArguments().Should().Equal("--bootstrap-servers", app.JoinArguments()[1], "--disorder", given);
        app.ExitCode.Should().Be(130, app.Stderr);
    }

    [Fact]
    public async Task Instances_of_one_process_are_not_taken_for_other_members()
    {
        // The instances leave the group one by one once the results are complete: the partitions they own then add up to
        // less than the topic's, which once passed for other processes taking part. Two runs, as that was intermittent.
        for (var run = 0; run < 2; run++)
        {
            using var app = await SampleProcess.Demo("--as-fast-as-possible", "--seed", "1", "--consumers", "3").ExitAsync(TimeSpan.FromMinutes(2));

            app.ExitCode.Should().Be(0, app.Stderr);
            app.Stderr.Should().BeEmpty();
        }
    }

    private string Write(string name, string content)
    {
        var path = Path.Combine(_dir, name);
        File.WriteAllText(path, content);
        return path;
    }
}
