using CrimeStreaming.Demo;
using CrimeStreaming.Kafka;
using CrimeStreaming.Windowing;
using Spectre.Console;

namespace CrimeStreaming.Samples.Tests;

public sealed class DashboardTests : IDisposable
{
    private static readonly DateTimeOffset Start = new(2020, 1, 1, 0, 0, 0, TimeSpan.FromHours(-8));
    private readonly KafkaCrimeSink _sink = new(new KafkaCrimeSinkOptions { BootstrapServers = "127.0.0.1:1" });

    public void Dispose() => _sink.Dispose();

    [Fact]
    public async Task All_windows_end_at_the_clocks_last_completed_hour_with_zeros_for_empty_hours()
    {
        // Sparse data: crimes at 01:10 and 04:10, 04:20, the next one at 20:00; the clock at 09:30.
        var (dashboard, clock) = await CreateAsync(At(1, 10, "ROBBERY", "Central"), At(4, 10, "BURGLARY", "Harbor"), At(4, 20, "BURGLARY", "Central"), At(20, 0, "ROBBERY", "Pacific"));
        await clock.WaitUntilAsync(Start.AddHours(9.5), CancellationToken.None);
        dashboard.ShownEnd(clock.Now).Should().Be(Start.AddHours(9));

        var one = dashboard.Window(1, Start.AddHours(9));
        var six = dashboard.Window(6, Start.AddHours(9));
        var twelve = dashboard.Window(12, Start.AddHours(9));

        one.Snapshot.Total.Should().Be(0, "no crime was reported between 08:00 and 09:00: zeros, not an older window");
        one.Snapshot.End.Should().Be(Start.AddHours(9));
        six.Snapshot.Total.Should().Be(2);
        six.Snapshot.TopCrimeTypes.Should().Equal(new KeyCount<string>("BURGLARY", 2));
        twelve.Snapshot.Total.Should().Be(3);
        twelve.Snapshot.TopAreas.Should().Equal(new KeyCount<string>("Central", 2), new KeyCount<string>("Harbor", 1));
        new[] { one, six, twelve }.Should().OnlyContain(w => !w.Final, "no event-time window has closed them yet");
    }

    [Fact]
    public async Task Closed_windows_show_their_final_snapshot_and_closed_empty_windows_zeros()
    {
        var (dashboard, clock) = await CreateAsync(At(4, 10, "BURGLARY", "Harbor"));
        await clock.WaitUntilAsync(Start.AddHours(5.5), CancellationToken.None);
        var final = new CrimeSnapshot(Start.AddHours(4), Start.AddHours(5), 7, 1, [new("BURGLARY", 7)], [new("Harbor", 7)]);

        dashboard.OnWindow(1, final);

        dashboard.Window(1, Start.AddHours(5)).Should().Be((final, true));
        var six = dashboard.Window(6, Start.AddHours(3));
        six.Final.Should().BeTrue("the watermark passed 05:00, so the window to 03:00 was closed, empty");
        six.Snapshot.Total.Should().Be(0);
    }

    [Fact]
    public async Task A_clock_far_ahead_of_the_reports_read_back_shows_the_last_hour_they_fill_not_zeros()
    {
        // At 1,000,000x the clock is days ahead of what the consumers have read: show the hour before the newest one read.
        var (dashboard, clock) = await CreateAsync([At(1, 10, "ROBBERY", "Central"), At(3, 20, "BURGLARY", "Harbor"), At(3, 40, "ROBBERY", "Harbor"), At(30, 0, "ROBBERY", "Pacific")], consumed: 3);
        await clock.WaitUntilAsync(Start.AddHours(20.5), CancellationToken.None);

        dashboard.ShownEnd(clock.Now).Should().Be(Start.AddHours(3), "reports of 03:00-04:00 are still being read");
        dashboard.Window(6, Start.AddHours(3)).Snapshot.Total.Should().Be(1);
        dashboard.OnConsumed(At(30, 0, "ROBBERY", "Pacific"));
        dashboard.ShownEnd(clock.Now).Should().Be(Start.AddHours(20), "every report is read: the clock decides again");
    }

    [Fact]
    public async Task Nothing_is_shown_before_the_first_report_is_read_back()
    {
        var (dashboard, clock) = await CreateAsync([At(1, 10, "ROBBERY", "Central")], consumed: 0);
        await clock.WaitUntilAsync(Start.AddHours(5), CancellationToken.None);

        dashboard.ShownEnd(clock.Now).Should().BeNull();
    }

    [Fact]
    public async Task After_the_last_report_the_view_stops_at_the_hour_after_it()
    {
        var (dashboard, clock) = await CreateAsync(At(2, 30, "ROBBERY", "Central"));
        await clock.WaitUntilAsync(Start.AddDays(3), CancellationToken.None);

        dashboard.ShownEnd(clock.Now).Should().Be(Start.AddHours(4), "the last report is at 02:30 plus at most 90 minutes of report delay");
    }

    [Fact]
    public async Task Before_the_first_hour_completes_nothing_is_shown()
    {
        var (dashboard, clock) = await CreateAsync(At(0, 10, "ROBBERY", "Central"));

        dashboard.ShownEnd(clock.Now).Should().BeNull();
    }

    [Fact]
    public async Task The_dashboard_fits_80_by_24()
    {
        var (dashboard, clock) = await CreateAsync(
            At(1, 10, "ASSAULT WITH DEADLY WEAPON, AGGRAVATED ASSAULT", "77th Street"),
            At(1, 20, "INTIMATE PARTNER - AGGRAVATED ASSAULT", "North Hollywood"),
            At(1, 30, "BURGLARY FROM VEHICLE", "West Los Angeles"),
            At(1, 40, "BATTERY - SIMPLE ASSAULT", "Southwest"),
            At(1, 50, "ROBBERY", "Hollenbeck"),
            At(1, 55, "ATTEMPTED ROBBERY", "Van Nuys"));
        await clock.WaitUntilAsync(Start.AddHours(3.2), CancellationToken.None);
        var output = new StringWriter();
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Ansi = AnsiSupport.No, ColorSystem = ColorSystemSupport.NoColors, Interactive = InteractionSupport.No, Out = new AnsiConsoleOutput(output) });
        console.Profile.Width = 80;
        using var stop = new CrimeStreaming.Demo.Cli.StopSignal("test");
        dashboard.Keys = new ReplayKeys(new AcceleratedClock(Start, 345_600), stop, DemoOptions.MinAcceleration, DemoOptions.MaxAcceleration); // the live view's extra line

        console.Write(dashboard.Render(80));

        var text = output.ToString();
        var lines = text.TrimEnd('\n').Split('\n');
        lines.Length.Should().BeLessThanOrEqualTo(23, "the live view must leave the cursor line of a 24-line terminal");
        lines.Should().OnlyContain(l => l.TrimEnd().Length <= 80);
        text.Should().Contain("last 12 h").And.Contain("ADW, AGG. ASSAULT");
        text.Should().Contain("127.0.0.1:40001,127.0.0.1:40002,127.0.0.1:40003", "the bootstrap servers in full: the lines above the live view scroll away");
        text.Should().Contain(", 0 late", "nothing reports late reports here");
        text.Should().MatchRegex(@"crimes\s+│\s+\d+ · open \d+", "the last complete window and the open one beside it");

        dashboard.LateSource = () => 1_234;
        output.GetStringBuilder().Clear();
        console.Write(dashboard.Render(80));
        output.ToString().Should().Contain(", 1,234 late", "the late count is the analysis instances'");
    }

    private static CrimeReport At(int hour, int minute, string type, string area)
    {
        var occurred = Start.AddHours(hour).AddMinutes(minute);
        var record = new CrimeRecord
        {
            DrNumber = $"{hour:00}{minute:00}{type.Length:000}",
            DateOccurred = DateOnly.FromDateTime(occurred.DateTime),
            TimeOccurred = TimeOnly.FromDateTime(occurred.DateTime),
            AreaId = "1",
            AreaName = area,
            CrimeCode = "310",
            CrimeDescription = type,
            Location = new GeoPoint(34.05, -118.25),
        };
        return new CrimeReport(record, occurred, 0);
    }

    private Task<(Dashboard Dashboard, VirtualClock Clock)> CreateAsync(params CrimeReport[] reports) => CreateAsync(reports, reports.Length);

    private async Task<(Dashboard Dashboard, VirtualClock Clock)> CreateAsync(CrimeReport[] reports, int consumed)
    {
        // The replay's shape (start, last report time) comes from a real preparation of the same records.
        var options = new CrimeStreamerOptions { AsFastAsPossible = true, Seed = 1, SimulationStart = Start, CrimesOfInterest = [] };
        var streamer = new BasicCrimeStreamer(new InMemoryCrimeRecordSource(reports.Select(r => r.Record)), options);
        var prepared = await streamer.PrepareAsync();
        var clock = new VirtualClock(Start);
        var dashboard = new Dashboard(prepared, clock, _sink, "127.0.0.1:40001,127.0.0.1:40002,127.0.0.1:40003", "embedded cluster, topic la-crime, 6 partitions, RF 3; join with --disorder 691200");
        foreach (var report in reports.Take(consumed))
        {
            dashboard.OnConsumed(report);
        }

        return (dashboard, clock);
    }
}
