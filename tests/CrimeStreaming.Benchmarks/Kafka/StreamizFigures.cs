using System.Diagnostics;
using System.Globalization;
using Confluent.Kafka;
using CrimeStreaming.Aggregation;
using CrimeStreaming.Benchmarks.Kafka.Streamiz;
using CrimeStreaming.Csv;
using CrimeStreaming.Generation;
using CrimeStreaming.Kafka;
using CrimeStreaming.Kafka.Analysis;
using CrimeStreaming.Kafka.Embedded;
using CrimeStreaming.ScaleOut;
using Microsoft.Extensions.Logging;
using Streamiz.Kafka.Net;
using Streamiz.Kafka.Net.Crosscutting;
using Streamiz.Kafka.Net.SerDes;
using Streamiz.Kafka.Net.State;
using Streamiz.Kafka.Net.Stream;
using Streamiz.Kafka.Net.Table;

using static CrimeStreaming.Benchmarks.Kafka.EndToEndSetup;

namespace CrimeStreaming.Benchmarks.Kafka;

/// <summary>
/// The analysis group against Kafka Streams for .NET (Streamiz.Kafka.Net), on the same replay: generated 2020 rows →
/// <see cref="BasicCrimeStreamer"/> → <see cref="KafkaCrimeSink"/> (bounded by the consuming group's committed offsets) →
/// either one <see cref="KafkaWindowAnalyser"/> running two extra analyses (1-hour tumbling counts per officer and per
/// crime type) beside the crime snapshot, read back by <see cref="KafkaWindowResults"/>, or a Streamiz topology counting
/// the same two ways (<c>GroupByKey</c> and a re-keyed <c>GroupBy</c>, each windowed by a 1-hour tumbling window).
/// Each run on a fresh embedded cluster, the two sides alternating; both sides' counts are checked against the reports.
/// </summary>
public sealed class StreamizFigures : IFigureSuite
{
    private const string ApplicationId = "crime-streamiz";
    private const string OfficerStore = "officer-counts";
    private const string TypeStore = "type-counts";
    private const string OfficerAnalysis = "officer-counts";
    private const string TypeAnalysis = "type-counts";

    // Streamiz names its internal topics after the application id and the store (no Grouped name is given).
    private static readonly string RepartitionTopic = $"{ApplicationId}-{TypeStore}-repartition";
    private static readonly string[] ChangelogTopics = [$"{ApplicationId}-{OfficerStore}-changelog", $"{ApplicationId}-{TypeStore}-changelog"];

    private static readonly TimeSpan Window = TimeSpan.FromHours(1);

    public string Name => "streamiz";

    /// <summary>The crime type both sides count by; reports without one count under one key rather than not at all.</summary>
    private static string CrimeType(CrimeReport report) => report.Record.CrimeDescription ?? "(none)";

    private static string OfficerKey(CrimeReport report) => report.OfficerId.ToString(CultureInfo.InvariantCulture);

    public async Task RunAsync(FigureContext context, CancellationToken cancellationToken)
    {
        var rows = context.Quick ? 50_000 : 1_000_000;
        var pairs = context.Quick ? 1 : 3;
        var runTimeout = context.Quick ? TimeSpan.FromSeconds(90) : TimeSpan.FromMinutes(8);
        var directory = Directory.CreateTempSubdirectory("crimestreaming-streamiz-");

        // One for every run: Streamiz keeps loggers from a stream's factory beyond the stream's disposal.
        using var logging = LoggerFactory.Create(b => b.SetMinimumLevel(LogLevel.Warning).AddConsole());
        try
        {
            var path = Path.Combine(directory.FullName, "crimes-2020.csv");
            var generator = new LapdGeneratorOptions { Rows = rows, Schema = CrimeCsvSchema.Lapd2020ToPresent, Seed = Seed };
            LapdCsvGenerator.WriteFile(path, generator, cancellationToken);

            var shape = await MeasureReplayAsync(path, cancellationToken);
            var grace = Grace(shape);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"[{Name}] {rows:N0} generated rows (2020 schema, seed {Seed}) -> {shape.Reports:N0} reports from {shape.First:yyyy-MM-dd} to {shape.Last:yyyy-MM-dd}; replay order disorder {shape.Disorder} (within an officer {shape.OfficerDisorder}); {MaxUnconsumedPerPartition:N0} reports of one officer span up to {shape.LagSpan}; Streamiz grace {grace}; {Officers} officers, {Partitions} partitions RF {ReplicationFactor}, {(context.Quick ? "no warm-up" : "a warm-up pair")} + {pairs} pair(s) Streamiz/ours"));

            var streamiz = new List<Run>();
            var ours = new List<Run>();
            // A warm-up pair first (printed, not counted) in a full run; the quick run, a smoke test, goes without.
            for (var pair = context.Quick ? 1 : 0; pair <= pairs; pair++)
            {
                var label = pair == 0 ? "warm-up" : $"pair {pair}";
                var peerRun = await RunStreamiz(logging, path, grace, shape.Last - shape.First, runTimeout, cancellationToken);
                Print(label, "Streamiz", peerRun);
                Collect();
                var oursRun = await RunOurs(path, runTimeout, cancellationToken);
                Print(label, "ours", oursRun);
                Collect();
                if (pair > 0)
                {
                    streamiz.Add(peerRun);
                    ours.Add(oursRun);
                }
            }

            var settings = string.Create(CultureInfo.InvariantCulture, $"{shape.Reports:N0} reports, 1-hour tumbling counts per officer (4 keys) and per crime type (re-keyed), {Partitions} partitions RF {ReplicationFactor}, sink held to <= {MaxUnconsumedPerPartition:N0} uncommitted messages per partition by the consuming group; wall time from replay start to every report accounted for");
            context.Report(Name, "Streamiz: replay -> sink -> KafkaStream (GroupByKey + GroupBy, windowed Count, in-memory stores) -> committed", Spread.Of(streamiz.Select(r => r.Rate).ToArray()).Median, "reports/s", Spread.Of(streamiz.Select(r => r.Rate).ToArray()).Describe(streamiz.Count, "runs") + "; " + settings);
            context.Report(Name, "ours: replay -> sink -> 1 analyser (crime snapshot + 2 keyed counts) -> merged results complete", Spread.Of(ours.Select(r => r.Rate).ToArray()).Median, "reports/s", Spread.Of(ours.Select(r => r.Rate).ToArray()).Describe(ours.Count, "runs") + "; " + settings);
            var ratios = ours.Zip(streamiz, (o, s) => o.Rate / s.Rate).ToArray();
            context.Report(Name, "ours / Streamiz", Spread.Of(ratios).Median, "ratio", Spread.Of(ratios).Describe(ratios.Length, "pairs") + "; goal >= 2 (ours' time at most half of Streamiz')");
        }
        finally
        {
            try
            {
                directory.Delete(recursive: true);
            }
            catch (IOException)
            {
                // A temp directory left behind is harmless.
            }
        }
    }

    private void Print(string label, string side, Run run) =>
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"[{Name}]   {label}: {side} {run.Rate:N0} reports/s ({run.Reports:N0} reports in {run.Seconds:F2} s; counts per officer {run.OfficerSum:N0} in {run.OfficerWindows:N0} windows, per type {run.TypeSum:N0} in {run.TypeWindows:N0} windows; {run.Detail}; load {run.LoadStart} -> {run.LoadEnd})"));

    private static void Collect()
    {
        // Each run's garbage is collected before the next run starts, not during it.
        GC.Collect();
        GC.WaitForPendingFinalizers();
    }

    /// <summary>The replay's time span and disorder, from an untimed replay into memory.</summary>
    private static async Task<ReplayShape> MeasureReplayAsync(string path, CancellationToken cancellationToken)
    {
        var streamer = NewStreamer(path);
        using var prepared = await streamer.PrepareAsync(cancellationToken);
        var sink = new DisorderSink();
        await streamer.ReplayAsync(prepared, streamer.CreateClock(prepared.Start), sink, cancellationToken);

        // How much report time MaxUnconsumedPerPartition consecutive reports of one officer may span: how far apart two
        // officers' records may come out of a consumer that drains one partition's backlog before another's.
        var lagSpan = TimeSpan.Zero;
        foreach (var officer in prepared.Officers)
        {
            var times = officer.Reports.Select(r => r.ReportTime).ToArray();
            for (var i = MaxUnconsumedPerPartition; i < times.Length; i += 97)
            {
                var span = times[i] - times[i - MaxUnconsumedPerPartition];
                lagSpan = span > lagSpan ? span : lagSpan;
            }
        }

        return new ReplayShape(sink.Count, sink.First, sink.Last, sink.Disorder, sink.OfficerDisorder, lagSpan);
    }

    /// <summary>
    /// Streamiz drops, silently, a record whose window closed (window end + grace before the task's stream time). Within
    /// an input partition only the officers sharing it interleave; in the repartition topic every officer's records do,
    /// in the order one stream thread drained the input partitions, which the lag bound lets be up to its
    /// <see cref="ReplayShape.LagSpan"/> apart. Twice that, in whole days, keeps every report.
    /// </summary>
    private static TimeSpan Grace(ReplayShape shape) =>
        TimeSpan.FromDays(Math.Max(1, Math.Ceiling(2 * (shape.LagSpan + shape.Disorder).TotalDays)));

    private static async Task<Run> RunOurs(string path, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var loadStart = MachineLoad.Averages();
        using var cluster = AnalysisCluster();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        stop.CancelAfter(timeout);
        Task reading = Task.CompletedTask;
        Task analysing = Task.CompletedTask;
        try
        {
            var streamer = NewStreamer(path);
            using var prepared = await streamer.PrepareAsync(stop.Token);

            var options = new KafkaWindowAnalyserOptions
            {
                BootstrapServers = cluster.BootstrapServers,
                ResultsTopic = ResultsTopic,
                GroupId = AnalysisGroup,
                Analyses =
                [
                    WindowedAnalysis.Create(OfficerAnalysis, WindowAggregate.ByKey(OfficerKey, WindowAggregate.Count<CrimeReport>()), new WindowDefinition(Window, Window)),
                    WindowedAnalysis.Create(TypeAnalysis, WindowAggregate.ByKey(CrimeType, WindowAggregate.Count<CrimeReport>()), new WindowDefinition(Window, Window)),
                ],
            };
            using var results = new KafkaWindowResults(options);
            long officerSum = 0, typeSum = 0, officerWindows = 0, typeWindows = 0;
            results.WindowEmitted += w =>
            {
                // The reading thread raises every window once, in order: plain sums suffice.
                if (w.Analysis == OfficerAnalysis)
                {
                    var counts = (IReadOnlyList<KeyValuePair<string, long>>)w.Value;
                    officerSum += counts.Sum(kv => kv.Value);
                    officerWindows += counts.Count;
                }
                else if (w.Analysis == TypeAnalysis)
                {
                    var counts = (IReadOnlyList<KeyValuePair<string, long>>)w.Value;
                    typeSum += counts.Sum(kv => kv.Value);
                    typeWindows += counts.Count;
                }
            };
            var analyser = new KafkaWindowAnalyser(options);
            reading = results.RunAsync(stop.Token);
            analysing = analyser.RunAsync(stop.Token);

            // Timing starts once the group has given the instance every partition.
            while (analyser.OwnedPartitions != Partitions)
            {
                if (reading.IsCompleted || analysing.IsCompleted)
                {
                    await Task.WhenAll(reading, analysing);
                    throw new InvalidOperationException("ours: the analysis stopped before the replay started");
                }

                await Task.Delay(10, stop.Token);
            }

            using var sink = LagBoundedSink(cluster.BootstrapServers, AnalysisGroup);

            var watch = Stopwatch.StartNew();
            var replay = await streamer.ReplayAsync(prepared, streamer.CreateClock(prepared.Start), sink, stop.Token);
            await UntilResultsAsync(reading, analysing);
            watch.Stop();
            var loadEnd = MachineLoad.Averages();
            await analysing;

            var merged = results.Summary;
            var delivery = sink.Summary;
            CheckComplete("ours", replay, delivery, merged, stop.IsCancellationRequested, timeout);
            Check(officerSum == replay.Emitted, $"ours: the counts per officer add up to {officerSum:N0}, {replay.Emitted:N0} reports were emitted");
            Check(typeSum == replay.Emitted, $"ours: the counts per crime type add up to {typeSum:N0}, {replay.Emitted:N0} reports were emitted");
            var detail = string.Create(CultureInfo.InvariantCulture, $"{merged.Windows:N0} global windows, late reports {merged.LateReports:N0}, lag waits {delivery.LagWaits:N0} for {delivery.LagWaitTime.TotalSeconds:F2} s; analyser {analyser.Summary}");
            return new Run(replay.Emitted, watch.Elapsed.TotalSeconds, officerSum, officerWindows, typeSum, typeWindows, detail, loadStart, loadEnd);
        }
        finally
        {
            await StopClientsAsync(stop, reading, analysing);
        }
    }

    private static async Task<Run> RunStreamiz(ILoggerFactory logging, string path, TimeSpan grace, TimeSpan span, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var loadStart = MachineLoad.Averages();
        using var cluster = new EmbeddedKafkaCluster(3);

        // The mock cluster does not create topics on Streamiz' CreateTopics requests: every internal topic is made here.
        cluster.CreateTopic(InputTopic, Partitions, ReplicationFactor);
        cluster.CreateTopic(RepartitionTopic, Partitions, ReplicationFactor);
        foreach (var changelog in ChangelogTopics)
        {
            cluster.CreateTopic(changelog, Partitions, ReplicationFactor);
        }

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        stop.CancelAfter(timeout);

        var streamer = NewStreamer(path);
        using var prepared = await streamer.PrepareAsync(stop.Token);

        var config = new StreamConfig<StringSerDes, CrimeReportSerDes>
        {
            ApplicationId = ApplicationId, // also the consumer group, whose commits release the sink
            BootstrapServers = cluster.BootstrapServers,
            AutoOffsetReset = AutoOffsetReset.Earliest,

            // Commits release the lag-bounded sink: every 100 ms (default 30 s) as ours commits within its 200 ms flush.
            CommitIntervalMs = 100,

            // Without compression the mock's ~5 MiB per partition evicted input and repartition records before Streamiz read them.
            CompressionType = CompressionType.Lz4,
            ReplicationFactor = ReplicationFactor,

            // One instance, as ours runs one analyser (2 threads measured no faster on 2 shared cores).
            NumStreamThreads = 1,
            Logger = logging,
        };

        var builder = new StreamBuilder();
        var reports = builder.Stream<string, CrimeReport>(InputTopic);

        // The stores keep every window of the replay (their default retention is 1 day of stream time) so that the check
        // at the end can read them all.
        var retention = span + Window + grace + TimeSpan.FromDays(1);
        reports
            .GroupByKey()
            .WindowedBy(TumblingWindowOptions.Of(Window, grace))
            .Count(InMemoryWindows.As<string, long, StringSerDes, Int64SerDes>(OfficerStore, Window).WithRetention(retention));

        // The count needs only the new key: the value shrinks to the crime type before the repartition topic, rather
        // than the whole report written and read again as JSON.
        reports
            .MapValues<string>((r, _) => CrimeType(r))
            .GroupBy<string, StringSerDes, StringSerDes>((_, type, _) => type)
            .WindowedBy(TumblingWindowOptions.Of(Window, grace))
            .Count(InMemoryWindows.As<string, long, StringSerDes, Int64SerDes>(TypeStore, Window).WithRetention(retention));

        var topology = builder.Build();
        using var stream = new KafkaStream(topology, config); // disposed (its clients closed) before the cluster
        var running = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        stream.StateChanged += (_, state) =>
        {
            if (state == KafkaStream.State.RUNNING)
            {
                running.TrySetResult();
            }
            else if (state == KafkaStream.State.ERROR || state == KafkaStream.State.NOT_RUNNING)
            {
                running.TrySetException(new InvalidOperationException($"Streamiz: the stream went {state} before running"));
            }
        };

        await stream.StartAsync();
        await running.Task.WaitAsync(stop.Token);

        // Streamiz would read an end marker (no key, empty value) as a report; it needs none.
        using var sink = LagBoundedSink(cluster.BootstrapServers, ApplicationId, writeEndOfStream: false);

        var watch = Stopwatch.StartNew();
        var replay = await streamer.ReplayAsync(prepared, streamer.CreateClock(prepared.Start), sink, stop.Token);
        if (replay.Cancelled || stop.IsCancellationRequested)
        {
            throw new TimeoutException($"Streamiz: the replay did not end within {timeout} ({replay.Emitted:N0} of {replay.Scheduled:N0} emitted)");
        }

        // Done when the application's group has committed every input report and every repartitioned record: Streamiz
        // commits after its stores hold what it processed (and its producer flushed), so its stores then hold every report.
        var committed = await WaitForCommitsAsync(cluster.BootstrapServers, replay.Emitted, stop.Token);
        watch.Stop();
        var loadEnd = MachineLoad.Averages();

        var delivery = sink.Summary;
        Check(replay.Emitted == replay.Scheduled, $"Streamiz: {replay.Emitted:N0} of {replay.Scheduled:N0} scheduled reports emitted");
        Check(delivery.Failed == 0 && delivery.Delivered == replay.Emitted, $"Streamiz: {delivery}");
        var (officerSum, officerWindows) = SumStore(stream, OfficerStore);
        var (typeSum, typeWindows) = SumStore(stream, TypeStore);
        Check(officerSum == replay.Emitted, $"Streamiz: the counts per officer add up to {officerSum:N0} in {officerWindows:N0} windows, {replay.Emitted:N0} reports were emitted");
        Check(typeSum == replay.Emitted, $"Streamiz: the counts per crime type add up to {typeSum:N0} in {typeWindows:N0} windows, {replay.Emitted:N0} reports were emitted");
        var detail = string.Create(CultureInfo.InvariantCulture, $"committed {committed}, lag waits {delivery.LagWaits:N0} for {delivery.LagWaitTime.TotalSeconds:F2} s");

        return new Run(replay.Emitted, watch.Elapsed.TotalSeconds, officerSum, officerWindows, typeSum, typeWindows, detail, loadStart, loadEnd);
    }

    private static async Task<string> WaitForCommitsAsync(string bootstrapServers, long reports, CancellationToken cancellationToken)
    {
        var config = new ConsumerConfig { BootstrapServers = bootstrapServers, GroupId = ApplicationId, EnableAutoCommit = false };
        using var monitor = new ConsumerBuilder<Ignore, Ignore>(config).SetLogHandler((_, _) => { }).Build();
        var input = Enumerable.Range(0, Partitions).Select(p => new TopicPartition(InputTopic, p)).ToList();
        var repartition = Enumerable.Range(0, Partitions).Select(p => new TopicPartition(RepartitionTopic, p)).ToList();
        var all = input.Concat(repartition).ToList();
        while (true)
        {
            var offsets = monitor.Committed(all, TimeSpan.FromSeconds(5));
            var inputDone = offsets.Where(o => o.Topic == InputTopic).Sum(o => Math.Max(0, o.Offset.Value));
            var repartitionDone = offsets.Where(o => o.Topic == RepartitionTopic).Sum(o => Math.Max(0, o.Offset.Value));
            if (inputDone >= reports && repartitionDone >= reports)
            {
                return string.Create(CultureInfo.InvariantCulture, $"{inputDone:N0} input, {repartitionDone:N0} repartitioned");
            }

            if (cancellationToken.IsCancellationRequested)
            {
                throw new TimeoutException($"Streamiz: not complete in time: {inputDone:N0} input and {repartitionDone:N0} repartitioned records of {reports:N0} committed");
            }

            await Task.Delay(20, CancellationToken.None);
        }
    }

    private static (long Sum, long Windows) SumStore(KafkaStream stream, string storeName)
    {
        var store = stream.Store(StoreQueryParameters.FromNameAndType(storeName, QueryableStoreTypes.WindowStore<string, long>()));
        long sum = 0, windows = 0;
        using var all = store.All();
        while (all.MoveNext())
        {
            sum += all.Current!.Value.Value;
            windows++;
        }

        return (sum, windows);
    }

    private sealed record ReplayShape(long Reports, DateTimeOffset First, DateTimeOffset Last, TimeSpan Disorder, TimeSpan OfficerDisorder, TimeSpan LagSpan);

    private sealed record Run(long Reports, double Seconds, long OfficerSum, long OfficerWindows, long TypeSum, long TypeWindows, string Detail, string LoadStart, string LoadEnd)
    {
        public double Rate => Reports / Seconds;
    }

    /// <summary>Counts the replay and measures how far behind the latest report time, overall and per officer, a report comes.</summary>
    private sealed class DisorderSink : ICrimeReportSink
    {
        private readonly Dictionary<int, DateTimeOffset> _latestByOfficer = [];
        private DateTimeOffset _latest = DateTimeOffset.MinValue;

        public long Count { get; private set; }

        public DateTimeOffset First { get; private set; } = DateTimeOffset.MaxValue;

        public DateTimeOffset Last { get; private set; } = DateTimeOffset.MinValue;

        public TimeSpan Disorder { get; private set; }

        public TimeSpan OfficerDisorder { get; private set; }

        public ValueTask WriteAsync(CrimeReport report, CancellationToken cancellationToken)
        {
            Count++;
            var t = report.ReportTime;
            First = t < First ? t : First;
            Last = t > Last ? t : Last;
            if (_latest - t > Disorder)
            {
                Disorder = _latest - t;
            }

            _latest = t > _latest ? t : _latest;
            if (_latestByOfficer.TryGetValue(report.OfficerId, out var latest) && latest - t > OfficerDisorder)
            {
                OfficerDisorder = latest - t;
            }

            _latestByOfficer[report.OfficerId] = t > latest ? t : latest;
            return ValueTask.CompletedTask;
        }

        public ValueTask CompleteAsync(Exception? error, CancellationToken cancellationToken) => ValueTask.CompletedTask;
    }
}
