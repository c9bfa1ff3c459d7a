using System.Globalization;
using System.Net;
using System.Reactive;
using System.Reactive.Linq;
using System.Reactive.Subjects;
using CrimeStreaming;
using CrimeStreaming.Csv;
using CrimeStreaming.Demo;
using CrimeStreaming.Demo.Cli;
using CrimeStreaming.Demo.Web;
using CrimeStreaming.Kafka;
using CrimeStreaming.Kafka.Analysis;
using CrimeStreaming.Kafka.Embedded;
using CrimeStreaming.Windowing;
using Microsoft.Extensions.Logging;
using Spectre.Console;

// The main demo: LAPD reports -> officers on an accelerated clock -> Kafka (3 brokers, RF 3) -> back out of Kafka ->
// analysis instances of one consumer group -> global event-time windows (last 1/6/12 hours) -> live dashboard, then
// a summary of every record's fate ending with the results digest.
// Everything the command line names is checked before anything starts (see docs/command-line.md).
KafkaSettings? secrets = null;
return await ConsoleApp.RunAsync(args.Contains("--verbose"), "finishing the replay and flushing Kafka", m => secrets?.Redact(m) ?? m, RunAsync);

async Task<int> RunAsync(StopSignal stop)
{
    var options = DemoOptions.Parse(args);
    secrets = options.KafkaSettings;
    if (options.Help)
    {
        Console.WriteLine(DemoOptions.Usage);
        return ConsoleApp.Success;
    }

    using var loggerFactory = AppLogging.Create(options.Verbose);
    var logger = loggerFactory.CreateLogger("CrimeStreaming");
    var kafkaLogger = loggerFactory.CreateLogger("CrimeStreaming.Kafka");
    var librdkafkaLogger = loggerFactory.CreateLogger("librdkafka");
    var live = !Console.IsOutputRedirected && AnsiConsole.Profile.Capabilities.Interactive;

    // --web: bound before anything else starts, so that a port in use is a usage error and not a failure mid-run.
    await using var web = options.WebPort is { } webPort ? await WebServer.StartAsync(options.WebHost, webPort, options.Verbose, stop.Token) : null;
    if (web is not null)
    {
        Console.WriteLine($"web dashboard: {web.Url}");
        if (!IPAddress.IsLoopback(options.WebHost))
        {
            Console.Error.WriteLine($"warning: the web dashboard listens on {web.EndPoint} for other machines too, without authentication: anyone who can reach it can pause and re-pace the replay.");
        }
    }

    // 0. Before anything starts: the input's schema, the Kafka settings, and a real cluster's answer.
    if (!InputCheck.HasRows("--file", options.File, stop.Token))
    {
        Console.Error.WriteLine($"warning: {options.File} has no data rows: nothing to replay.");
    }

    var settings = options.KafkaSettings;
    if (!settings.IsEmpty)
    {
        Console.WriteLine($"Kafka settings: {settings.Describe()}");
    }

    if (options.BootstrapServers is null)
    {
        KafkaCheck.ValidateSettings(settings, "127.0.0.1:9092", librdkafkaLogger);
    }
    else
    {
        var brokers = await KafkaCheck.CheckReachableAsync(options.BootstrapServers, settings, options.KafkaTimeout, librdkafkaLogger, stop.Token);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Kafka at {options.BootstrapServers}: {brokers} brokers"));
    }

    // 1. Prepare the replay: load, filter, simulate report times, deal reports to officers.
    var streamer = new BasicCrimeStreamer(new CsvCrimeRecordSource(options.File), options.ToStreamerOptions(), logger);
    using var prepared = await streamer.PrepareAsync(stop.Token);
    var clock = streamer.CreateClock(prepared.Start);
    var input = prepared.Progress;
    if (prepared.Count == 0)
    {
        // Nothing to replay: say why, account for every row, and leave Kafka alone.
        if (input.Input.RowsRead > 0)
        {
            var words = string.Join(", ", CrimeStreamerOptions.DefaultCrimesOfInterest);
            Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"warning: none of the {input.Input.RowsRead:N0} rows of {options.File} is a crime of interest ({words}) reported after the start: nothing to replay."));
        }

        Console.WriteLine("Summary");
        Console.Write(input.Snapshot());
        return ConsoleApp.Success;
    }

    // 2. Kafka: the embedded 3-broker cluster, or a real one; the input topic and the analysis' results topic.
    using var cluster = options.BootstrapServers is null ? new EmbeddedKafkaCluster(3) : null;
    var bootstrap = options.BootstrapServers ?? cluster!.BootstrapServers;
    using var admin = cluster is null
        ? new AdminTopicProvisioner(bootstrap, c =>
        {
            settings.ApplyTo(c);
            c.Set("log_level", options.Verbose ? "6" : "0"); // this client has no log handler: librdkafka would write to stderr
        })
        { Timeout = options.KafkaTimeout }
        : null;
    ITopicProvisioner topics = admin ?? (ITopicProvisioner)new EmbeddedTopicProvisioner(cluster!);
    await topics.EnsureTopicAsync(options.Topic, options.Partitions, KafkaDefaults.ReplicationFactor, stop.Token);
    await topics.EnsureTopicAsync(options.ResultsTopic, 1, KafkaDefaults.ReplicationFactor, stop.Token);
    var topic = await topics.DescribeTopicAsync(options.Topic, stop.Token);
    var resultsTopic = await topics.DescribeTopicAsync(options.ResultsTopic, stop.Token);
    var stateTopic = options.ResultsTopic + "-state"; // the analysis' state, one partition per input partition
    await topics.EnsureTopicAsync(stateTopic, topic.PartitionCount, KafkaDefaults.ReplicationFactor, stop.Token);
    if (resultsTopic.PartitionCount != 1)
    {
        Console.Error.WriteLine($"error: --results-topic {options.ResultsTopic} has {resultsTopic.PartitionCount} partitions; it needs exactly 1.");
        return ConsoleApp.Failure;
    }

    Console.WriteLine(topic);
    var topicLine = string.Create(CultureInfo.InvariantCulture, $"{(cluster is null ? "cluster" : "embedded cluster")}, topic {topic.Name}, {topic.PartitionCount} partitions, RF {topic.ReplicationFactor}");
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Kafka bootstrap servers: {bootstrap}"));

    // The embedded brokers keep their logs in this process's memory: what the analysis group has committed goes (a member
    // that takes a partition over starts at the commit), as Kafka Streams purges its repartition topics.
    using var purger = cluster is null ? null : new CommittedRecordsPurger(cluster, options.Topic, options.Group);
    if (purger is not null)
    {
        Console.WriteLine($"Embedded cluster: {options.Topic}'s records are deleted once group {options.Group} has committed them");
    }
    // The allowed disorder in whole seconds, so that the join command gives another process exactly this one.
    var disorder = TimeSpan.FromSeconds(options.AsFastAsPossible ? 3600 : Math.Max(3600, Math.Ceiling(2 * options.Acceleration)));
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Analysis: {options.Consumers} instance(s) in group {options.Group}, results on {options.ResultsTopic}, allowed disorder {disorder.TotalSeconds:N0} s"));
    Console.WriteLine($"Another process joins with: {JoinCommand(options, bootstrap, disorder)}");
    if (!settings.IsEmpty)
    {
        Console.WriteLine("  and this demo's Kafka settings (the same -X and --kafka-config options)");
    }

    var shardText = options.Shard.Count > 1 ? $", {options.Shard}" : "";
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Replaying {prepared.Count:N0} reports by {options.Officers} officers{shardText} from {prepared.Start:yyyy-MM-dd HH:mm zzz} ({options.Speed}), seed {prepared.Progress.Seed}{(options.MaxLag is { } lag ? $", at most {lag:N0} messages ahead of the analysis per partition" : "")}"));

    // 3. The analysis: instances of one consumer group aggregate their partitions per hour pane and publish partials;
    //    the results reader merges them into the global 1/6/12-hour windows (the same whatever the instance count).
    using var sink = new KafkaCrimeSink(
        new KafkaCrimeSinkOptions
        {
            BootstrapServers = bootstrap,
            Topic = options.Topic,
            Configure = settings.ApplyTo,
            Shard = options.Shard,
            ConsumerLagLimit = options.MaxLag is { } maxLag ? new ConsumerLagLimit { GroupId = options.Group, MaxMessagesPerPartition = maxLag } : null,
        },
        kafkaLogger);
    var analysis = new KafkaWindowAnalyserOptions
    {
        BootstrapServers = bootstrap,
        Topic = options.Topic,
        ResultsTopic = options.ResultsTopic,
        GroupId = options.Group,
        Configure = settings.ApplyTo,

        // Officers replay concurrently in real time, so within a partition reports interleave with the scheduler's
        // jitter: two real seconds of simulated time (at least an hour). On virtual time each partition is in
        // report-time order: an hour.
        AllowedDisorder = disorder,
    };
    var dashboard = new Dashboard(prepared, clock, sink, bootstrap, string.Create(CultureInfo.InvariantCulture, $"{topicLine}; join with --disorder {disorder.TotalSeconds:0}"))
    {
        WebUrl = web?.Url.ToString(),
    };

    // The live view's keys (space, +, -, f, q) and the web page's buttons steer the replay's clock, through one path;
    // keys only from a terminal, and either only for a real-time replay.
    var control = clock is AcceleratedClock steered ? new ReplayControl(steered, DemoOptions.MinAcceleration, DemoOptions.MaxAcceleration) : null;
    dashboard.Keys = live && !Console.IsInputRedirected && control is not null ? new ReplayKeys(control, stop) : null;
    var charts = options.Chart is null ? null : new CrimeCharts();
    using var results = new KafkaWindowResults(analysis, kafkaLogger);
    using var resultsFile = options.ResultsOut is { } resultsPath ? ResultsFile.Create(resultsPath) : null;
    var analysers = Enumerable.Range(0, options.Consumers).Select(_ => new KafkaWindowAnalyser(analysis, kafkaLogger)).ToList();
    dashboard.LateSource = () => analysers.Sum(a => a.Summary.Late);
    var feed = web is null
        ? null
        : new WebFeed(prepared, clock, control, dashboard, () => new KafkaCounts(sink.Summary, dashboard.Consumed, analysers.Sum(a => a.Summary.Lost) + results.LostMessages, results.Summary.LateReports), bootstrap, topic.Name);
    results.WindowEmitted += w =>
    {
        resultsFile?.Write(w);
        feed?.OnWindow(w);
        dashboard.OnWindow(w.Hours, w.Snapshot);
        if (w.Hours == 1 && !live)
        {
            Console.WriteLine(Dashboard.Line(w.Snapshot));
        }
    };
    foreach (var analyser in analysers)
    {
        // The open windows are only ever shown on the live view and the web page; without them the analysis threads need
        // not feed them.
        if (live || feed is not null)
        {
            analyser.ReportAnalysed += dashboard.OnConsumed;
        }

        if (feed is not null)
        {
            analyser.ReportAnalysed += feed.OnReport;
        }

        if (charts is not null)
        {
            analyser.ReportAnalysed += charts.Add;
        }
    }

    using var stopAnalysis = new CancellationTokenSource();
    var reading = results.RunAsync(stopAnalysis.Token);
    var instances = analysers.Select(a => a.RunAsync(stopAnalysis.Token)).ToList();
    var analysing = Task.WhenAll(instances);

    // The replay waits (at most 30 s) until the group has given every instance a partition, so that all of them take part.
    var settle = DateTime.UtcNow.AddSeconds(30);
    while (analysers.Count(a => a.OwnedPartitions > 0) < Math.Min(analysers.Count, topic.PartitionCount) && DateTime.UtcNow < settle && !stop.Token.IsCancellationRequested)
    {
        if (analysing.IsCompleted || reading.IsCompleted)
        {
            break; // failed: reported below
        }

        await Task.Delay(20);
    }

    // 4. Replay into Kafka; when done, the analysis completes on the end-of-stream markers (every partition ended); when
    //    stopped, it gets a moment to publish what was delivered, then stops too.
    // Should this process's analysis fail (every instance, or the results reader), nothing here would open the lag bound
    // or judge the results any more: the replay stops, and the summary says why.
    using var replayStop = CancellationTokenSource.CreateLinkedTokenSource(stop.Token);
    _ = Task.WhenAny(analysing, reading).ContinueWith(
        _ =>
        {
            if (analysing.IsFaulted || reading.IsFaulted)
            {
                replayStop.Cancel();
            }
        },
        CancellationToken.None,
        TaskContinuationOptions.ExecuteSynchronously,
        TaskScheduler.Default);
    var replay = streamer.ReplayAsync(prepared, clock, sink, replayStop.Token);
    if (feed is not null)
    {
        web!.Attach(feed);
        _ = replay.ContinueWith(_ => feed.Phase = "finishing", CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    var untilEpoch = options.Epoch is { } epochAt && epochAt > DateTimeOffset.UtcNow ? epochAt - DateTimeOffset.UtcNow : TimeSpan.Zero;
    var outage = options.BrokerOutage is { } planned ? TakeBrokerDownAsync(cluster!, untilEpoch + planned.At, planned.Duration, stop.Token) : Task.CompletedTask;
    async Task DrainAsync()
    {
        var run = await replay;
        // The results reader is the judge: it completes once every partition has ended and every window is out.
        // After Ctrl+C the replay still ended its stream (end markers), so the analysis can finish on what was
        // delivered: it gets a few seconds for that.
        await ResultsWait.UntilCompleteAsync(reading, analysing, run.Cancelled ? TimeSpan.FromSeconds(5) : TimeSpan.FromMinutes(10));

        if (cluster is not null && reading.IsCompletedSuccessfully && !stop.Token.IsCancellationRequested && OthersTookPart(analysers, results.Summary, topic.PartitionCount, options.Shard.Count))
        {
            // Other processes took part and are reading the same last results: the embedded cluster lives in this one.
            Console.Error.WriteLine("Other group members took part: keeping the embedded cluster up 5 s for them to finish.");
            await Task.WhenAny(Task.Delay(TimeSpan.FromSeconds(5), stop.Token).ContinueWith(_ => { }, TaskScheduler.Default));
        }

        await stopAnalysis.CancelAsync();
        // A failed instance or reader is reported with the summary, not instead of it.
        await Task.WhenAll(reading, analysing).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }

    var drained = DrainAsync();
    if (live)
    {
        using var stopKeys = new CancellationTokenSource();
        var keys = dashboard.Keys?.RunAsync(stopKeys.Token) ?? Task.CompletedTask;
        await AnsiConsole.Live(dashboard.Render()).StartAsync(async ctx =>
        {
            while (!drained.IsCompleted)
            {
                ctx.UpdateTarget(dashboard.Render());
                await Task.WhenAny(drained, Task.Delay(250));
            }

            ctx.UpdateTarget(dashboard.Render());
        });

        await stopKeys.CancelAsync();
        await keys.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }

    await drained;
    if (web is not null)
    {
        await web.FinishAsync(); // the page keeps the last frame: the run is over
    }

    await outage; // the broker is up again before the cluster goes
    var runSummary = await replay;
    var delivery = sink.Summary;
    var merged = results.Summary;

    Console.WriteLine();
    var interrupted = runSummary.Cancelled && stop.Token.IsCancellationRequested;
    Console.WriteLine(interrupted ? $"Summary (stopped by {stop.Reason})" : runSummary.Cancelled ? "Summary (the replay stopped: the analysis failed)" : "Summary");
    Console.Write(runSummary);
    Console.WriteLine($"kafka: {delivery}");
    if (purger is not null)
    {
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"embedded cluster: {purger.Purged:N0} committed records of {options.Topic} deleted"));
    }

    for (var i = 0; i < analysers.Count; i++)
    {
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"analysis instance {i + 1}: {analysers[i].Summary}"));
    }

    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"analysed {merged.Reports:N0} reports, late for their window {merged.LateReports:N0}; {merged}; foreign results messages {results.ForeignMessages:N0}"));
    foreach (var error in runSummary.Errors.Take(5))
    {
        Console.WriteLine($"  {error}");
    }

    if (resultsFile is not null)
    {
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{resultsFile.Written:N0} window results written to {options.ResultsOut}"));
    }

    if (charts is not null)
    {
        charts.SaveDaily(options.Chart!);
        charts.SaveMap(options.MapChart!);
        Console.WriteLine($"charts written to {options.Chart} and {options.MapChart}");
    }

    // Exit 0 means the digest is the exact one: every row accounted for, every report delivered and analysed exactly
    // once in time for its window, the results complete. Anything else says what on stderr and exits 1.
    var problems = new List<string>();
    if (runSummary.FatalError is { } fatal)
    {
        problems.Add($"the replay stopped at an error in the input ({fatal}), so the digest covers only the rows before it.");
    }
    else if (!runSummary.IsBalanced && !runSummary.Cancelled)
    {
        problems.Add("the replay's counts do not add up (see the summary), so the digest is not the exact one.");
    }

    if (delivery.Failed > 0)
    {
        problems.Add(string.Create(CultureInfo.InvariantCulture, $"{delivery.Failed:N0} reports could not be delivered to Kafka ({string.Join("; ", delivery.FailedByReason.Select(r => $"{r.Key}: {r.Value:N0}"))}), so the digest is not the exact one."));
    }

    if (delivery.Pending > 0)
    {
        problems.Add(string.Create(CultureInfo.InvariantCulture, $"{delivery.Pending:N0} reports were still waiting for Kafka's acknowledgement at the end."));
    }

    if (results.LostMessages > 0)
    {
        problems.Add(string.Create(CultureInfo.InvariantCulture, $"{results.LostMessages:N0} messages of the results topic {options.ResultsTopic} were deleted by its retention before this process read them, so the digest misses their windows: start the reader with the analysis, or give the topic a longer retention."));
    }

    var lost = analysers.Sum(a => a.Summary.Lost);
    if (lost > 0)
    {
        problems.Add(string.Create(CultureInfo.InvariantCulture, $"{lost:N0} messages were deleted by the topic's retention before the analysis read them; bound the replay's lead with --max-lag."));
    }

    if (merged.LateReports > 0)
    {
        var advice = options.AsFastAsPossible
            ? "every member of the group must allow this run's disorder: join other processes with the command printed above"
            : "rerun with a lower --acceleration or on a less busy machine, and join other processes with the command printed above";
        problems.Add(string.Create(CultureInfo.InvariantCulture, $"{merged.LateReports:N0} {Reports(merged.LateReports)} came after their window had closed, so the digest is not the exact one: {advice} (this run: {disorder.TotalSeconds:N0} s of disorder allowed)."));
    }

    // A failed instance or reader explains incomplete results: its error line says so.
    var failure = Failure(instances, reading);
    if (!merged.Complete && !runSummary.Cancelled && failure is null)
    {
        problems.Add("the results are incomplete: not every partition reached its end-of-stream markers in time.");
    }

    // Every delivered report is analysed once: by this process alone, or (sharded) with the reports of the other shards.
    // Messages lost by this process's instances explain a shortfall: their warning says so.
    var analysed = merged.Reports + merged.LateReports;
    if (merged.Complete && lost == 0 && (options.Shard.Count > 1 ? analysed < delivery.Delivered : analysed != delivery.Delivered))
    {
        problems.Add(string.Create(CultureInfo.InvariantCulture, $"the analysis counted {analysed:N0} reports but this replay delivered {delivery.Delivered:N0}, so the digest is not the exact one."));
    }

    foreach (var problem in problems)
    {
        Console.Error.WriteLine($"warning: {problem}");
    }

    if (failure is not null)
    {
        Console.Error.WriteLine($"error: {failure.Value.Who}: {settings.Redact(ConsoleApp.Describe(failure.Value.Error))}");
        if (options.Verbose)
        {
            Console.Error.WriteLine(settings.Redact(failure.Value.Error.ToString()));
        }
    }

    Console.WriteLine($"results sha256: {merged.Digest}");
    if (interrupted)
    {
        return ConsoleApp.Interrupted;
    }

    return problems.Count == 0 && failure is null ? ConsoleApp.Success : ConsoleApp.Failure;
}

// --broker-outage: broker 2 of the embedded cluster down for a while mid-replay; brought back up even when stopped meanwhile.
static async Task TakeBrokerDownAsync(EmbeddedKafkaCluster cluster, TimeSpan at, TimeSpan duration, CancellationToken stop)
{
    try
    {
        await Task.Delay(at, stop);
    }
    catch (OperationCanceledException)
    {
        return;
    }

    cluster.SetBrokerDown(2);
    Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"--broker-outage: broker 2 down for {duration.TotalSeconds:0} s"));
    await Task.WhenAny(Task.Delay(duration, stop));
    cluster.SetBrokerUp(2);
    Console.Error.WriteLine("--broker-outage: broker 2 up");
}

static string Reports(long count) => count == 1 ? "report" : "reports";

// The command that makes another process a member of this analysis group with this run's settings, to copy as it is.
static string JoinCommand(DemoOptions options, string bootstrap, TimeSpan disorder)
{
    var args = new List<string> { "--bootstrap-servers", bootstrap, "--disorder", ((long)disorder.TotalSeconds).ToString(CultureInfo.InvariantCulture) };
    if (options.Topic != KafkaDefaults.Topic)
    {
        args.AddRange(["--topic", options.Topic]);
    }

    if (options.ResultsTopic != options.Topic + "-windows")
    {
        args.AddRange(["--results-topic", options.ResultsTopic]);
    }

    if (options.Group != new KafkaWindowAnalyserOptions().GroupId)
    {
        args.AddRange(["--group", options.Group]);
    }

    return "dotnet run -c Release --project samples/CrimeStreaming.Analyser -- " + string.Join(" ", args.Select(ShellWord));
}

static string ShellWord(string word) =>
    word.Length > 0 && word.All(c => char.IsAsciiLetterOrDigit(c) || "-_.,:/=@+".Contains(c)) ? word : "'" + word.Replace("'", "'\\''", StringComparison.Ordinal) + "'";

// Whether other processes' members took part, from what the run did: the group aggregated reports, or read end
// markers, that none of this process's instances did (each is counted once per reader, so this process alone would
// have at least the group's).
static bool OthersTookPart(IEnumerable<KafkaWindowAnalyser> analysers, CrimeStreaming.ScaleOut.MergeSummary merged, int partitions, int shards)
{
    var ours = analysers.Select(a => a.Summary).ToList();
    return ours.Sum(s => s.Reports) < merged.Reports || ours.Sum(s => s.EndMarkers) < (long)partitions * shards;
}

// The first analysis instance (or the results reader) that failed, named for the error line.
static (string Who, Exception Error)? Failure(IReadOnlyList<Task> instances, Task reading)
{
    for (var i = 0; i < instances.Count; i++)
    {
        if (instances[i].Exception is { } e)
        {
            var others = instances.Count(t => t.IsFaulted) - 1;
            return ($"analysis instance {i + 1} failed{(others > 0 ? $" (and {others} more)" : "")}", e);
        }
    }

    return reading.Exception is { } r ? ("the results reader failed", r) : null;
}
