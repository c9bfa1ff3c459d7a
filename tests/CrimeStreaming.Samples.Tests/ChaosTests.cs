using System.Globalization;
using FluentAssertions.Execution;

namespace CrimeStreaming.Samples.Tests;

/// <summary>
/// The short chaos run of <c>tests/chaos/chaos-run.sh --short</c>, through the processes: a live replay in two shards
/// with an analyser process killed (SIGKILL) mid-run and replaced must print the digest of one process replaying
/// everything as fast as possible, with nothing lost, nothing late and every exit code 0.
/// </summary>
[Trait("Category", "Chaos")]
public sealed class ChaosTests : IDisposable
{
    private const string Seed = "42";
    private const string Officers = "12";
    private readonly string _dir = Directory.CreateTempSubdirectory("chaos-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task Two_shards_and_an_analyser_killed_and_replaced_print_the_digest_of_one_process()
    {
        var file = Path.Combine(_dir, "crimes.csv");
        using (var generate = await SampleProcess.Generate("--out", file, "--rows", "100000", "--seed", Seed).ExitAsync(TimeSpan.FromMinutes(1)))
        {
            generate.ExitCode.Should().Be(0, generate.Stderr);
        }

        // The reference: one process, as fast as possible.
        string reference;
        using (var alone = await SampleProcess.Demo("--file", file, "--as-fast-as-possible", "--seed", Seed, "--officers", Officers).ExitAsync(TimeSpan.FromMinutes(2)))
        {
            alone.ExitCode.Should().Be(0, alone.Stderr);
            reference = alone.Digest();
        }

        // Live at 600,000x (the generated year in about 53 s) on one timeline: shard 1 hosts the embedded cluster,
        // shard 2 joins it (with the same lag bound: the embedded cluster keeps about 5 MiB a partition).
        var epoch = DateTimeOffset.UtcNow.AddSeconds(25);
        string[] live = ["--file", file, "--seed", Seed, "--officers", Officers, "--acceleration", "600000", "--epoch", epoch.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture)];
        using var shard1 = SampleProcess.Demo([.. live, "--shard", "1/2"]);
        await shard1.WaitForOutputAsync("Another process joins with: ", TimeSpan.FromMinutes(1));
        var join = shard1.JoinArguments();
        var bootstrap = join[Array.IndexOf(join, "--bootstrap-servers") + 1];
        using var shard2 = SampleProcess.Demo([.. live, "--shard", "2/2", "--bootstrap-servers", bootstrap, "--max-lag", "3000"]);
        using var survivor = SampleProcess.Analyser(join);
        using (var victim = SampleProcess.Analyser(join))
        {
            // About 15 s into the replay one analyser dies as a crash would; another takes its place.
            var crash = epoch.AddSeconds(15) - DateTimeOffset.UtcNow;
            if (crash > TimeSpan.Zero)
            {
                await Task.Delay(crash);
            }

            victim.HasExited.Should().BeFalse("the analyser is still in the group mid-replay; stderr: {0}", victim.Stderr);
            victim.Kill();
            await victim.ExitAsync(TimeSpan.FromSeconds(30));
        }

        using var replacement = SampleProcess.Analyser(join);
        var all = new[] { ("shard 1/2", shard1), ("shard 2/2", shard2), ("analyser", survivor), ("replacement analyser", replacement) };
        foreach (var (_, process) in all)
        {
            await process.ExitAsync(TimeSpan.FromMinutes(3));
        }

        using (new AssertionScope())
        {
            foreach (var (name, process) in all)
            {
                var because = $"{name}: stdout ends: {Tail(process.Stdout)} stderr: {process.Stderr}";
                LastLine(process.Stdout).Should().Be($"results sha256: {reference}", because);
                process.Stdout.Should().Contain("late for their window 0;", because);
                process.Stdout.Should().NotMatchRegex(@"\b[1-9][0-9,]* lost to retention", because);
                process.ExitCode.Should().Be(0, because);
            }
        }
    }

    private static string LastLine(string text) => text.TrimEnd().Split('\n')[^1].TrimEnd('\r');

    private static string Tail(string text) => string.Join('\n', text.TrimEnd().Split('\n').TakeLast(12));
}
