using System.Text.RegularExpressions;

namespace CrimeStreaming.Samples.Tests;

/// <summary>The samples that use the library without Kafka run as shown in the docs, and say what they promise.</summary>
public sealed class LibrarySampleTests
{
    [Fact]
    public async Task The_custom_streamer_gives_each_area_its_officer_and_replays_the_same_in_memory_and_disk_backed()
    {
        using var app = await SampleProcess.CustomStreamer().ExitAsync(TimeSpan.FromSeconds(60));

        app.ExitCode.Should().Be(0, app.Stderr);
        var officers = Regex.Matches(app.Stdout, @"^officer +(\d+): +(\d+) reports, all in (.+)$", RegexOptions.Multiline);
        officers.Should().HaveCountGreaterThan(10, "the sample has crimes in most of the 21 areas");
        officers.Select(m => m.Groups[3].Value).Should().OnlyHaveUniqueItems("one beat officer per area");
        app.Stdout.Should().MatchRegex(@"disk-backed: [1-9]\d* runs spilled, same replay as in memory: yes");
        app.Stdout.Should().Contain("emitted 1,958, not emitted 0; officers 21, seed 7");
    }

    [Fact]
    public async Task The_in_memory_sample_runs_the_original_analyses_to_the_end()
    {
        using var app = await SampleProcess.InMemory().ExitAsync(TimeSpan.FromSeconds(60));

        app.ExitCode.Should().Be(0, app.Stderr);
        app.Stdout.Should().MatchRegex(@"batch: \d+ crimes, \d+ near USC, top type ");
        app.Stdout.Should().Contain("Running totals per crime type").And.Contain("emitted 1,958, not emitted 0; officers 4, seed 42");
    }
}
