using System.Reactive;
using System.Reactive.Linq;
using CrimeStreaming.Csv;
using CrimeStreaming.Windowing;

namespace CrimeStreaming.Tests.Windowing;

/// <summary>The original analyses on the real 2020 sample, replayed on virtual time, against a recount of the emitted reports.</summary>
public class OriginalAnalysesTests
{
    private static readonly TimeSpan Hour = TimeSpan.FromHours(1);

    private static async Task<(List<CrimeReport> Reports, DateTimeOffset Start, Dictionary<int, List<CrimeSnapshot>> Windows, List<CrimeSnapshot> PerBatch, List<Batch<KeyCount<string>>> Totals)> Replay(int seed)
    {
        var streamer = new BasicCrimeStreamer(new CsvCrimeRecordSource(TestData.Sample2020), new CrimeStreamerOptions { Seed = seed, Officers = 4, AsFastAsPossible = true });
        using var prepared = await streamer.PrepareAsync();
        var clock = new VirtualClock(prepared.Start);
        using var sink = new ObservableCrimeSink();
        var stream = sink.ToDStream(Hour, clock.Scheduler);
        var reports = new List<CrimeReport>();
        var windows = new Dictionary<int, List<CrimeSnapshot>> { [1] = [], [6] = [], [12] = [] };
        var perBatch = new List<CrimeSnapshot>();
        var totals = new List<Batch<KeyCount<string>>>();
        var subscriptions = new List<IDisposable> { sink.Subscribe(reports.Add), stream.PerBatch().Subscribe(perBatch.Add), stream.RunningTotalsByType().Subscribe(totals.Add) };
        foreach (var hours in windows.Keys)
        {
            subscriptions.Add(stream.OverLastHours(hours).Subscribe(windows[hours].Add));
        }

        await streamer.ReplayAsync(prepared, clock, sink);
        subscriptions.ForEach(s => s.Dispose());
        return (reports, prepared.Start, windows, perBatch, totals);
    }

    private static List<KeyCount<string>> Top(IEnumerable<string> keys) =>
        keys.GroupBy(k => k).Select(g => new KeyCount<string>(g.Key, g.Count()))
            .OrderByDescending(k => k.Count).ThenBy(k => k.Key, StringComparer.Ordinal).Take(5).ToList();

    [Fact]
    public async Task Every_window_of_the_real_sample_equals_the_recount()
    {
        var (reports, start, windows, perBatch, totals) = await Replay(seed: 11);
        reports.Should().HaveCount(1958);
        var lastEnd = start + (Math.Floor((reports.Max(r => r.ReportTime) - start) / Hour) + 1) * Hour;

        foreach (var (hours, results) in windows)
        {
            results.Should().HaveCount((int)((lastEnd - start) / Hour) + hours - 1, "one result per simulated hour, also for empty hours, and on completion the windows the last hours slide out of");
            foreach (var w in results)
            {
                var inWindow = reports.Where(r => r.ReportTime >= w.End - (hours * Hour) && r.ReportTime < w.End && r.ReportTime >= start).ToList();
                w.Start.Should().Be(w.End - (hours * Hour));
                w.Total.Should().Be(inWindow.Count);
                w.Near.Should().Be(inWindow.Count(r => r.Record.Location is { } p && p.DistanceDegreesTo(GeoPoint.Usc) < 0.02));
                w.TopCrimeTypes.Should().Equal(Top(inWindow.Select(r => r.Record.CrimeDescription!)));
                w.TopAreas.Should().Equal(Top(inWindow.Select(r => r.Record.AreaName)));
            }
        }

        perBatch.Should().BeEquivalentTo(windows[1], o => o.WithStrictOrdering());
        perBatch.Sum(b => b.Total).Should().Be(1958);
        perBatch.Sum(b => b.Near).Should().BeGreaterThan(0, "the sample has crimes near USC");
        totals[^1].Items.Should().BeEquivalentTo(reports.GroupBy(r => r.Record.CrimeDescription!).Select(g => new KeyCount<string>(g.Key, g.Count())));
        totals[^1].Start.Should().Be(start, "running totals span the whole replay");
    }

    [Fact]
    public async Task Same_seed_gives_identical_analyses()
    {
        var first = await Replay(seed: 5);
        var again = await Replay(seed: 5);
        again.PerBatch.Should().BeEquivalentTo(first.PerBatch, o => o.WithStrictOrdering());
        again.Windows[6].Should().BeEquivalentTo(first.Windows[6], o => o.WithStrictOrdering());
    }

    [Fact]
    public async Task Flink_style_sliding_count_by_type_on_the_real_sample_equals_the_recount()
    {
        var streamer = new BasicCrimeStreamer(new CsvCrimeRecordSource(TestData.Sample2020), new CrimeStreamerOptions { Seed = 7, Officers = 3, AsFastAsPossible = true });
        using var prepared = await streamer.PrepareAsync();
        var clock = new VirtualClock(prepared.Start);
        using var sink = new ObservableCrimeSink();
        var reports = new List<CrimeReport>();
        var windows = new List<Batch<KeyCount<string>>>();
        using (sink.Subscribe(reports.Add))
        using (sink.ToDStream(Hour, clock.Scheduler).CountByTypeSliding(5 * Hour, Hour).Subscribe(windows.Add))
        {
            await streamer.ReplayAsync(prepared, clock, sink);
        }

        windows.Should().NotBeEmpty();
        windows.Select(w => w.End).Should().BeInAscendingOrder().And.OnlyHaveUniqueItems();
        foreach (var w in windows)
        {
            w.Start.Should().Be(w.End - (5 * Hour));
            var expected = reports.Where(r => r.ReportTime >= w.Start && r.ReportTime < w.End)
                .GroupBy(r => r.Record.CrimeDescription!).Select(g => new KeyCount<string>(g.Key, g.Count()));
            w.Items.Should().BeEquivalentTo(expected, "window ending {0}", w.End);
        }
    }

    [Fact]
    public async Task Event_time_counts_of_shuffled_real_reports_equal_the_recount_when_disorder_is_allowed()
    {
        // Officers and Kafka partitions interleave: shuffle the reports by up to two hours, allow two hours of disorder.
        var streamer = new BasicCrimeStreamer(new CsvCrimeRecordSource(TestData.Sample2020), new CrimeStreamerOptions { Seed = 3, AsFastAsPossible = true });
        using var prepared = await streamer.PrepareAsync();
        using var sink = new ObservableCrimeSink();
        var reports = new List<CrimeReport>();
        using (sink.Subscribe(reports.Add))
        {
            await streamer.ReplayAsync(prepared, new VirtualClock(prepared.Start), sink);
        }

        var random = new Random(42);
        var arrival = reports.OrderBy(r => r.ReportTime + TimeSpan.FromMinutes(random.Next(0, 120))).ToList();
        var late = new List<CrimeReport>();
        var windows = new List<Windowed<IReadOnlyDictionary<string, long>>>();
        using (arrival.ToObservable().CountByTypeInEventTime(6 * Hour, Hour, 2 * Hour, Observer.Create<CrimeReport>(late.Add)).Subscribe(windows.Add))
        {
        }

        late.Should().BeEmpty();
        windows.Select(w => (w.End, w.Start)).Should().BeInAscendingOrder().And.OnlyHaveUniqueItems();
        windows.Sum(w => w.Value.Values.Sum()).Should().Be(6 * reports.Count, "each report is in six windows of 6 h sliding by 1 h");
        foreach (var w in windows)
        {
            var expected = reports.Where(r => r.ReportTime >= w.Start && r.ReportTime < w.End)
                .GroupBy(r => r.Record.CrimeDescription!).ToDictionary(g => g.Key, g => (long)g.Count());
            w.Value.Should().BeEquivalentTo(expected);
        }

        // With no disorder allowed, the same arrival order loses reports to the late stream, and each is counted once.
        var lateStrict = new List<CrimeReport>();
        var strict = new List<Windowed<IReadOnlyDictionary<string, long>>>();
        using (arrival.ToObservable().CountByTypeInEventTime(Hour, Hour, TimeSpan.Zero, Observer.Create<CrimeReport>(lateStrict.Add)).Subscribe(strict.Add))
        {
        }

        lateStrict.Should().NotBeEmpty();
        (strict.Sum(w => w.Value.Values.Sum()) + lateStrict.Count).Should().Be(reports.Count);
    }

    [Fact]
    public async Task Event_time_snapshots_of_shuffled_reports_equal_the_replayed_windows()
    {
        var (reports, start, windows, _, _) = await Replay(seed: 11);
        var random = new Random(17);
        var shuffled = reports.OrderBy(_ => random.Next()).ToList(); // Kafka partitions interleave: arrival order is not report order
        var late = new List<CrimeReport>();
        var results = new List<CrimeSnapshot>();
        using (System.Reactive.Linq.Observable.ToObservable(shuffled)
                   .EventTimeSnapshots(TimeSpan.FromHours(6), Hour, TimeSpan.FromDays(400), System.Reactive.Observer.Create<CrimeReport>(late.Add), origin: start)
                   .Subscribe(results.Add))
        {
        }

        late.Should().BeEmpty("the allowed disorder covers the whole year");
        var byEnd = windows[6].ToDictionary(w => w.End);
        var lastEnd = windows[1][^1].End; // the last batch
        results.Where(r => r.End > lastEnd).Should().HaveCount(5, "the last reports also fall in windows that end after the replay, which event time reports and the DStream reports on completion");
        windows[6].Where(w => w.End > lastEnd).Should().HaveCount(5);
        results.Should().HaveCount(windows[6].Count(w => w.Total > 0));
        foreach (var r in results)
        {
            r.Should().BeEquivalentTo(byEnd[r.End], o => o.WithStrictOrdering());
        }
    }

    [Fact]
    public void Near_uses_metres_or_the_original_degrees_and_never_matches_unknown_locations()
    {
        var near = TestData.Record("1", "ROBBERY", DateTime.Now, location: new GeoPoint(34.03, -118.29));
        var unknown = TestData.Record("2", "ROBBERY", DateTime.Now);
        near.IsWithinDegrees(GeoPoint.Usc).Should().BeTrue();
        near.IsWithinMetres(GeoPoint.Usc, 1_500).Should().BeTrue();
        near.IsWithinMetres(GeoPoint.Usc, 500).Should().BeFalse();
        unknown.IsWithinDegrees(GeoPoint.Usc).Should().BeFalse();
        unknown.IsWithinMetres(GeoPoint.Usc, 1e7).Should().BeFalse();
    }
}
