using System.Globalization;
using System.Reactive;
using System.Reactive.Linq;
using System.Reactive.Subjects;
using CrimeStreaming;
using CrimeStreaming.Csv;
using CrimeStreaming.Demo;
using CrimeStreaming.Demo.Cli;
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
    var topicLine = string.Create(CultureInfo.InvariantCulture, $"{(cluster is null ? "cluster" : "embedded cluster")} {bootstrap}, topic {topic.Name}, {topic.PartitionCount} partitions, RF {topic.ReplicationFactor}");
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Kafka bootstrap servers: {bootstrap}"));
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Analysis: {options.Consumers} instance(s) in group {options.Group}, results on {options.ResultsTopic}; another process joins with: dotnet run --project samples/CrimeStreaming.Analyser -- --bootstrap-servers {bootstrap}{(options.Topic == KafkaDefaults.Topic ? "" : $" --topic {options.Topic}")}{(options.Group == "crimestreaming-analysis" ? "" : $" --group {options.Group}")}"));
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
        // jitter: two real seconds of simulated time. On virtual time each partition is in report-time order.
        AllowedDisorder = options.AsFastAsPossible ? TimeSpan.FromHours(1) : TimeSpan.FromSeconds(Math.Max(3600, 2 * options.Acceleration)),
    };
    var dashboard = new Dashboard(prepared, clock, sink, topicLine);
    var charts = options.Chart is null ? null : new CrimeCharts();
    using var results = new KafkaWindowResults(analysis, kafkaLogger);
    results.WindowEmitted += w =>
    {
        dashboard.OnWindow(w.Hours, w.Snapshot);
        if (w.Hours == 1 && !live)
        {
            Console.WriteLine(Dashboard.Line(w.Snapshot));
        }
    };
    var analysers = Enumerable.Range(0, options.Consumers).Select(_ => new KafkaWindowAnalyser(analysis, kafkaLogger)).ToList();
    foreach (var analyser in analysers)
    {
        // The open windows are only ever shown on the live view; without it the analysis threads need not feed them.
        if (live)
        {
            analyser.ReportAnalysed += dashboard.OnConsumed;
        }

        if (charts is not null)
        {
            analyser.ReportAnalysed += charts.Add;
        }
    }

    using var stopAnalysis = new CancellationTokenSource();
    var reading = results.RunAsync(stopAnalysis.Token);
    var analysing = Task.WhenAll(analysers.Select(a => a.RunAsync(stopAnalysis.Token)));

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
    var replay = streamer.ReplayAsync(prepared, clock, sink, stop.Token);
    var othersJoined = false;
    async Task DrainAsync()
    {
        var run = await replay;
        var deadline = DateTime.UtcNow + (run.Cancelled ? TimeSpan.FromSeconds(5) : TimeSpan.FromMinutes(10));
        // The results reader is the judge: it completes once every partition has ended and every window is out.
        // After Ctrl+C the replay still ended its stream (end markers), so the analysis can finish on what was
        // delivered: it gets a few seconds for that.
        while (!reading.IsCompleted && !analysing.IsFaulted && DateTime.UtcNow < deadline)
        {
            othersJoined |= analysers.Sum(a => a.OwnedPartitions) is > 0 and var owned && owned < topic.PartitionCount;
            await Task.WhenAny(reading, analysing, Task.Delay(100));
        }

        if (cluster is not null && othersJoined && reading.IsCompletedSuccessfully && !stop.Token.IsCancellationRequested)
        {
            // Other processes took part and are reading the same last results: the embedded cluster lives in this one.
            Console.Error.WriteLine("Other group members took part: keeping the embedded cluster up 5 s for them to finish.");
            await Task.WhenAny(Task.Delay(TimeSpan.FromSeconds(5), stop.Token).ContinueWith(_ => { }, TaskScheduler.Default));
        }

        await stopAnalysis.CancelAsync();
        await Task.WhenAll(reading, analysing);
    }

    var drained = DrainAsync();
    if (live)
    {
        await AnsiConsole.Live(dashboard.Render()).StartAsync(async ctx =>
        {
            while (!drained.IsCompleted)
            {
                ctx.UpdateTarget(dashboard.Render());
                await Task.WhenAny(drained, Task.Delay(250));
            }

            ctx.UpdateTarget(dashboard.Render());
        });
    }

    await drained;
    var runSummary = await replay;
    var delivery = sink.Summary;
    var merged = results.Summary;

    Console.WriteLine();
    Console.WriteLine(runSummary.Cancelled ? $"Summary (stopped by {stop.Reason})" : "Summary");
    Console.Write(runSummary);
    Console.WriteLine($"kafka: {delivery}");
    for (var i = 0; i < analysers.Count; i++)
    {
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"analysis instance {i + 1}: {analysers[i].Summary}"));
    }

    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"analysed {merged.Reports:N0} reports, late for their window {merged.LateReports:N0}; {merged}; foreign results messages {results.ForeignMessages:N0}"));
    foreach (var error in runSummary.Errors.Take(5))
    {
        Console.WriteLine($"  {error}");
    }

    if (charts is not null)
    {
        charts.SaveDaily(options.Chart!);
        charts.SaveMap(options.MapChart!);
        Console.WriteLine($"charts written to {options.Chart} and {options.MapChart}");
    }

    var lost = analysers.Sum(a => a.Summary.Lost);
    if (lost > 0)
    {
        Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"warning: {lost:N0} messages were deleted by the topic's retention before the analysis read them; bound the replay's lead with --max-lag."));
    }

    if (!merged.Complete && !runSummary.Cancelled)
    {
        Console.Error.WriteLine("warning: the results are incomplete: not every partition reached its end-of-stream markers in time.");
    }

    Console.WriteLine($"results sha256: {merged.Digest}");
    if (runSummary.Cancelled)
    {
        return ConsoleApp.Interrupted;
    }

    // Success means every row is accounted for, everything delivered was analysed exactly once, and the results are complete.
    var analysed = merged.Reports + merged.LateReports;
    var expected = options.Shard.Count > 1 ? analysed >= delivery.Delivered : analysed == delivery.Delivered;
    return runSummary.IsBalanced && delivery.Pending == 0 && merged.Complete && lost == 0 && expected ? ConsoleApp.Success : ConsoleApp.Failure;
}
