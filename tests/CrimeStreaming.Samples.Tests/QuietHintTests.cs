using CrimeStreaming.Demo;
using CrimeStreaming.Demo.Cli;
using CrimeStreaming.Demo.Web;
using CrimeStreaming.Kafka;
using Microsoft.Extensions.Time.Testing;
using Spectre.Console;

namespace CrimeStreaming.Samples.Tests;

/// <summary>
/// A quiet stretch mid-replay (the bundled sample after January): instead of zeros alone, both dashboards say how to get
/// past it.
/// </summary>
public sealed class QuietHintTests : IDisposable
{
    private static readonly DateTimeOffset Start = new(2020, 1, 1, 0, 0, 0, TimeSpan.FromHours(-8));
    private readonly KafkaCrimeSink _sink = new(new KafkaCrimeSinkOptions { BootstrapServers = "127.0.0.1:1" });
    private readonly StopSignal _stop = new("test");
    private PreparedReplay? _prepared;

    public void Dispose()
    {
        _prepared?.Dispose();
        _stop.Dispose();
        _sink.Dispose();
    }

    [Theory]
    [InlineData(2, 9.5, false)]
    [InlineData(3, 40.5, true)]
    public async Task An_empty_12_hour_window_mid_replay_says_how_to_skip_ahead(int consumed, double hours, bool quiet)
    {
        // Crimes at 01:10, 05:20, 30:00 and 50:00; the windows shown end at the newest hour read back: 05:00, where the
        // last 12 hours had crimes, or 30:00, where they had none.
        var time = new FakeTimeProvider();
        var clock = new AcceleratedClock(Start, 3600, time);
        var (dashboard, feed) = await CreateAsync(clock, consumed, (1, 10), (5, 20), (30, 0), (50, 0));
        clock.Run();
        time.Advance(TimeSpan.FromSeconds(hours)); // a simulated hour a second

        Render(dashboard).Contains(Dashboard.QuietHint, StringComparison.Ordinal).Should().Be(quiet);
        feed.State().Hint.Should().Be(quiet ? Dashboard.QuietHint : null);
    }

    [Fact]
    public async Task Without_keys_to_press_there_is_no_hint()
    {
        var clock = new VirtualClock(Start);
        var (dashboard, _) = await CreateAsync(clock, 1, (1, 10), (50, 0));
        dashboard.Keys = null;
        await clock.WaitUntilAsync(Start.AddHours(20.5), CancellationToken.None);

        Render(dashboard).Should().NotContain(Dashboard.QuietHint);
    }

    private static string Render(Dashboard dashboard)
    {
        var output = new StringWriter();
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Ansi = AnsiSupport.No, ColorSystem = ColorSystemSupport.NoColors, Interactive = InteractionSupport.No, Out = new AnsiConsoleOutput(output) });
        console.Profile.Width = 80;
        console.Write(dashboard.Render(80));
        return output.ToString();
    }

    private async Task<(Dashboard Dashboard, WebFeed Feed)> CreateAsync(SimulationClock clock, int consumed, params (int Hour, int Minute)[] times)
    {
        var reports = times.Select((t, i) =>
        {
            var occurred = Start.AddHours(t.Hour).AddMinutes(t.Minute);
            var record = new CrimeRecord
            {
                DrNumber = i.ToString(System.Globalization.CultureInfo.InvariantCulture),
                DateOccurred = DateOnly.FromDateTime(occurred.DateTime),
                TimeOccurred = TimeOnly.FromDateTime(occurred.DateTime),
                AreaId = "1",
                AreaName = "Central",
                CrimeCode = "210",
                CrimeDescription = "ROBBERY",
                Location = new GeoPoint(34.05, -118.25),
            };
            return new CrimeReport(record, occurred, 1);
        }).ToArray();
        var options = new CrimeStreamerOptions { AsFastAsPossible = true, Seed = 1, SimulationStart = Start, CrimesOfInterest = [] };
        _prepared = await new BasicCrimeStreamer(new InMemoryCrimeRecordSource(reports.Select(r => r.Record)), options).PrepareAsync();
        var dashboard = new Dashboard(_prepared, clock, _sink, "127.0.0.1:40001", "embedded cluster");
        foreach (var report in reports.Take(consumed))
        {
            dashboard.OnConsumed(report);
        }

        var control = clock is AcceleratedClock steered ? new ReplayControl(steered, DemoOptions.MinAcceleration, DemoOptions.MaxAcceleration) : null;
        dashboard.Keys = control is null ? new ReplayKeys(new AcceleratedClock(Start, 1), _stop, 1, 10) : new ReplayKeys(control, _stop);
        var feed = new WebFeed(_prepared, clock, control, dashboard, () => new KafkaCounts(_sink.Summary, dashboard.Consumed, 0, 0), "127.0.0.1:40001", "la-crime");
        return (dashboard, feed);
    }
}
