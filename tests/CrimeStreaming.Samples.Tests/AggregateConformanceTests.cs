extern alias customanalysis;

using System.Reactive.Linq;
using CrimeStreaming.Aggregation;
using CrimeStreaming.Csv;
using CrimeStreaming.ScaleOut;
using CrimeStreaming.Windowing;
using customanalysis::CrimeStreaming.CustomAnalysis;

namespace CrimeStreaming.Samples.Tests;

/// <summary>
/// One aggregate, four ways to run it, the same windows: on a DStream (processing time on a virtual clock), in event time
/// (in order), across an analysis group of one partition and of three (partials merged into global windows), and across
/// Kafka with 1 and 3 instances in threads and in processes (the sample's digests). For the crime snapshot and for the
/// sample's own keyed aggregates.
/// </summary>
public class AggregateConformanceTests
{
    private static readonly string Sample = Path.Combine(AppContext.BaseDirectory, "data", "la-crime-2020-present-sample.csv");

    public static TheoryData<string> Analyses() => ["crime-snapshot", "robberies-by-premise", "victim-ages-by-area"];

    private static WindowedAnalysis Analysis(string name) => name == WindowedAnalysis.CrimeSnapshotName
        ? WindowedAnalysis.CrimeSnapshot([1, 6, 12])
        : CustomAnalyses.ForGroup().Single(a => a.Name == name);

    private static TimeSpan PaneOf(string name) => name == WindowedAnalysis.CrimeSnapshotName ? Panes.Length : CustomAnalyses.Pane;

    [Theory]
    [MemberData(nameof(Analyses))]
    public async Task DStream_event_time_and_group_windows_of_one_aggregate_are_identical(string name)
    {
        var analysis = Analysis(name);
        var pane = PaneOf(name);
        var (reports, dstream) = await ReplayOnDStream(analysis, pane);
        reports.Should().HaveCount(1958);

        foreach (var window in analysis.Windows)
        {
            var eventTime = EventTime(analysis, window, reports.OrderBy(r => r.ReportTime).ToList());
            eventTime.Should().NotBeEmpty();
            var group1 = Group(analysis, pane, reports, partitions: 1).Where(r => r.Window == window).Select(r => (r.Start, r.End, r.Text)).ToList();
            var group3 = Group(analysis, pane, reports, partitions: 3).Where(r => r.Window == window).Select(r => (r.Start, r.End, r.Text)).ToList();

            group1.Should().Equal(eventTime, $"{name} {window}: the group's windows are the event-time windows, in order");
            group3.Should().Equal(eventTime, $"{name} {window}: three partitions merge into the same windows");

            // The DStream reports every slide, empty windows too: those with reports are the event-time windows.
            var empty = EmptyText(analysis);
            var onDStream = dstream[window];
            onDStream.Where(w => w.Text != empty).Should().BeSubsetOf(eventTime);
            eventTime.Where(w => w.Text != empty).Should().BeSubsetOf(onDStream, $"{name} {window}: every window with a result is on the DStream too");
            onDStream.Select(w => w.End).Should().OnlyHaveUniqueItems().And.BeInAscendingOrder();
        }
    }

    [Fact]
    public async Task Across_Kafka_with_one_and_three_instances_in_threads_and_processes_the_digests_are_the_in_process_group_s()
    {
        var (reports, _) = await ReplayOnDStream(Analysis(WindowedAnalysis.CrimeSnapshotName), Panes.Length);
        var expected = new Dictionary<string, string>();
        foreach (var name in Analyses())
        {
            using var merger = new GlobalWindowMerger(1, [Analysis(name)], PaneOf(name));
            Merge(merger, [Analysis(name)], PaneOf(name), [reports.OrderBy(r => r.ReportTime).ToList()]);
            expected[name] = merger.DigestOf(name);
        }

        foreach (var args in (string[][])[["--instances", "1"], ["--instances", "3"], ["--instances", "1", "--processes", "2"]])
        {
            using var run = await SampleProcess.CustomAnalysis(args).ExitAsync(TimeSpan.FromMinutes(3));
            run.ExitCode.Should().Be(0, $"{string.Join(' ', args)}: {run.Stdout} {run.Stderr}");
            var digests = run.Stdout.Split('\n').Where(l => l.Contains(" sha256: ", StringComparison.Ordinal))
                .Select(l => l.Trim().Split(" sha256: ")).ToDictionary(p => p[0], p => p[1]);
            digests.Should().Equal(expected, string.Join(' ', args));
            if (args.Contains("--processes"))
            {
                run.Stdout.Split('\n').Count(l => l.TrimStart().StartsWith("instance ", StringComparison.Ordinal) && l.Contains("(process ", StringComparison.Ordinal))
                    .Should().Be(2, "each member process reports its instance");
            }
        }
    }

    [Theory]
    [InlineData(new[] { "--instances", "0" }, "error: --instances: '0' is not a whole number from 1 to 16.")]
    [InlineData(new[] { "--processes", "9" }, "error: --processes: '9' is not a whole number from 0 to 4.")]
    [InlineData(new[] { "--file", "no-such.csv" }, "error: --file: no-such.csv does not exist.")]
    [InlineData(new[] { "--what" }, "error: unknown option --what (see --help).")]
    public async Task Bad_options_are_one_error_line_and_exit_2(string[] args, string expected)
    {
        using var run = await SampleProcess.CustomAnalysis(args).ExitAsync();
        run.ExitCode.Should().Be(2);
        run.Stderr.Trim().Should().Match(expected);
        run.Stderr.Trim().Split('\n').Should().ContainSingle();
    }

    /// <summary>The bundled sample replayed on virtual time (seed 1, as the sample and the demo), and the aggregate's windows on a DStream of pane-long batches.</summary>
    private static async Task<(List<CrimeReport> Reports, Dictionary<WindowDefinition, List<(DateTimeOffset Start, DateTimeOffset End, string Text)>> Windows)> ReplayOnDStream(WindowedAnalysis analysis, TimeSpan pane)
    {
        var streamer = new BasicCrimeStreamer(new CsvCrimeRecordSource(Sample), new CrimeStreamerOptions { Seed = 1, AsFastAsPossible = true });
        using var prepared = await streamer.PrepareAsync();
        var clock = new VirtualClock(prepared.Start);
        using var sink = new ObservableCrimeSink();

        // Batches aligned to midnight UTC, so that every window definition's windows start where the event-time ones do.
        var origin = new DateTimeOffset(prepared.Start.UtcDateTime.Date, TimeSpan.Zero);
        var stream = sink.ToDStream(pane, clock.Scheduler, origin);
        var reports = new List<CrimeReport>();
        var windows = analysis.Windows.ToDictionary(w => w, _ => new List<(DateTimeOffset, DateTimeOffset, string)>());
        var subscriptions = new List<IDisposable> { sink.Subscribe(reports.Add) };
        foreach (var window in analysis.Windows)
        {
            subscriptions.Add(OnDStream(analysis, stream, window).Subscribe(windows[window].Add));
        }

        await streamer.ReplayAsync(prepared, clock, sink);
        subscriptions.ForEach(s => s.Dispose());
        return (reports, windows);
    }

    // The analyses' accumulator and result types differ: dynamic dispatch reaches the typed aggregate of each.
    private static IObservable<(DateTimeOffset, DateTimeOffset, string)> OnDStream(WindowedAnalysis analysis, DStream<CrimeReport> stream, WindowDefinition window) =>
        OnDStreamTyped((dynamic)analysis, stream, window);

    private static IObservable<(DateTimeOffset, DateTimeOffset, string)> OnDStreamTyped<TAccumulator, TResult>(WindowedAnalysis<TAccumulator, TResult> analysis, DStream<CrimeReport> stream, WindowDefinition window) =>
        stream.AggregateOverWindow(analysis.Aggregate, window.Length, window.Slide).Select(w => (w.Start, w.End, analysis.Aggregate.Format(w.Value)));

    private static List<(DateTimeOffset Start, DateTimeOffset End, string Text)> EventTime(WindowedAnalysis analysis, WindowDefinition window, List<CrimeReport> inOrder) =>
        EventTimeTyped((dynamic)analysis, window, inOrder);

    private static List<(DateTimeOffset Start, DateTimeOffset End, string Text)> EventTimeTyped<TAccumulator, TResult>(WindowedAnalysis<TAccumulator, TResult> analysis, WindowDefinition window, List<CrimeReport> inOrder) =>
        inOrder.ToObservable()
            .AggregateInEventTime(analysis.Aggregate, r => r.ReportTime, window.Length, window.Slide, TimeSpan.Zero)
            .Select(w => (w.Start, w.End, analysis.Aggregate.Format(w.Value)))
            .ToList().Wait().ToList();

    private static string EmptyText(WindowedAnalysis analysis) => EmptyTextTyped((dynamic)analysis);

    private static string EmptyTextTyped<TAccumulator, TResult>(WindowedAnalysis<TAccumulator, TResult> analysis) =>
        analysis.Aggregate.Format(analysis.Aggregate.GetResult(analysis.Aggregate.CreateAccumulator()));

    /// <summary>The analysis across a group: reports split over partitions by officer, each aggregated on its own, merged.</summary>
    private static List<GlobalWindowResult> Group(WindowedAnalysis analysis, TimeSpan pane, List<CrimeReport> reports, int partitions)
    {
        using var merger = new GlobalWindowMerger(partitions, [analysis], pane);
        var split = Enumerable.Range(0, partitions).Select(p => reports.Where(r => r.OfficerId % partitions == p).OrderBy(r => r.ReportTime).ToList()).ToList();
        return Merge(merger, [analysis], pane, split);
    }

    /// <summary>Plays the partitions round-robin, one report at a time, publishing closed partials then progress, as instances do.</summary>
    private static List<GlobalWindowResult> Merge(GlobalWindowMerger merger, WindowedAnalysis[] analyses, TimeSpan pane, List<List<CrimeReport>> partitions)
    {
        var aggregators = partitions.Select((_, p) => new PartitionPaneAggregator(p, TimeSpan.Zero, analyses, pane)).ToList();
        var results = new List<GlobalWindowResult>();
        var closed = new List<PanePartial>();
        for (var i = 0; partitions.Any(p => p.Count >= i); i++)
        {
            for (var p = 0; p < partitions.Count; p++)
            {
                if (i > partitions[p].Count)
                {
                    continue;
                }

                closed.Clear();
                if (i < partitions[p].Count)
                {
                    aggregators[p].Add(partitions[p][i], i, closed).Should().BeTrue("each partition is in report-time order");
                }
                else
                {
                    aggregators[p].End(closed);
                }

                closed.ForEach(c => merger.Add(c).Should().Be(PartialOutcome.Accepted));
                var a = aggregators[p];
                results.AddRange(merger.Add(new PartitionProgress(p, partitions.Count, a.ClosedThrough ?? DateTimeOffset.MinValue, a.IsEnded ? PartitionState.Ended : PartitionState.Active) { Checkpoint = a.Checkpoint() }));
            }
        }

        merger.IsComplete.Should().BeTrue();
        return results;
    }
}
