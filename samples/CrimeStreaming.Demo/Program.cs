using System.Globalization;
using System.Reactive;
using System.Reactive.Linq;
using System.Reactive.Subjects;
using CrimeStreaming;
using CrimeStreaming.Cli;
using CrimeStreaming.Csv;
using CrimeStreaming.Demo;
using CrimeStreaming.Kafka;
using CrimeStreaming.Windowing;
using Microsoft.Extensions.Logging;
using Spectre.Console;

// The main demo: LAPD reports -> officers on an accelerated clock -> Kafka (3 brokers, RF 3) -> back out of Kafka ->
// event-time windows (last 1/6/12 hours) -> live dashboard, then a summary of every record's fate.
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

    using var loggerFactory = LoggerFactory.Create(b => b
        .SetMinimumLevel(options.Verbose ? LogLevel.Information : LogLevel.Warning)
        .AddSimpleConsole(o => o.SingleLine = true)
        .AddFilter("librdkafka", options.Verbose ? LogLevel.Information : LogLevel.None)
        // Delivery failures and flush time-outs are counted in the summary; their per-report lines only with --verbose.
        .AddFilter("CrimeStreaming.Kafka", options.Verbose ? LogLevel.Information : LogLevel.Critical));
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

    // 2. Kafka: the embedded 3-broker cluster, or a real one.
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
    var topic = await topics.DescribeTopicAsync(options.Topic, stop.Token);
    Console.WriteLine(topic);
    var topicLine = string.Create(CultureInfo.InvariantCulture, $"{(cluster is null ? "cluster" : "embedded cluster")} {bootstrap}, topic {topic.Name}, {topic.PartitionCount} partitions, RF {topic.ReplicationFactor}");
    if (cluster is not null && prepared.Count * 700L / Math.Min(options.Officers, topic.PartitionCount) > 4_000_000)
    {
        // Each officer's reports share one partition (the key), and the embedded cluster keeps only ~5 MiB a partition:
        // more would silently fall off the start of the log, so refuse rather than lose reports.
        var needed = (int)Math.Ceiling(prepared.Count * 700.0 / 4_000_000 * 1.5);
        Console.Error.WriteLine($"error: {prepared.Count:N0} reports need about --officers {needed} --partitions {needed} on the embedded cluster (it keeps ~5 MiB per partition), or --bootstrap-servers of a real cluster.");
        return 2;
    }

    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Replaying {prepared.Count:N0} reports by {options.Officers} officers from {prepared.Start:yyyy-MM-dd HH:mm zzz} ({options.Speed}), seed {prepared.Progress.Seed}"));

    // 3. Read the topic back and analyse it by report time. Kafka partitions interleave, so windows wait for a
    //    watermark: two real seconds of simulated time (all of it when replaying as fast as possible).
    using var sink = new KafkaCrimeSink(new KafkaCrimeSinkOptions { BootstrapServers = bootstrap, Topic = options.Topic, Configure = settings.ApplyTo }, kafkaLogger);
    var source = new KafkaCrimeSource(new KafkaCrimeSourceOptions { BootstrapServers = bootstrap, Topic = options.Topic, GroupId = $"demo-{Guid.NewGuid():N}", Configure = settings.ApplyTo }, kafkaLogger);
    var dashboard = new Dashboard(prepared, clock, sink, topicLine);
    var charts = options.Chart is null ? null : new CrimeCharts();
    var disorder = options.AsFastAsPossible ? TimeSpan.FromDays(3650) : TimeSpan.FromSeconds(Math.Max(3600, 2 * options.Acceleration));
    var consumed = new Subject<CrimeReport>();
    var late = Observer.Create<CrimeReport>(_ => dashboard.OnLate());
    var subscriptions = new List<IDisposable> { consumed.Subscribe(r => { dashboard.OnConsumed(r); charts?.Add(r); }) };
    foreach (var hours in Dashboard.WindowHours)
    {
        var windows = consumed.EventTimeSnapshots(TimeSpan.FromHours(hours), TimeSpan.FromHours(1), disorder, hours == 1 ? late : null, origin: prepared.Start);
        subscriptions.Add(windows.Subscribe(s =>
        {
            dashboard.OnWindow(hours, s);
            if (hours == 1 && !live)
            {
                Console.WriteLine(Dashboard.Line(s));
            }
        }));
    }

    using var stopConsumer = new CancellationTokenSource();
    var consumer = Task.Run(async () =>
    {
        await foreach (var c in source.ReadAllAsync(stopConsumer.Token))
        {
            consumed.OnNext(c.Report);
        }

        consumed.OnCompleted(); // emits the windows still open
    });

    // 4. Replay into Kafka; when done (or stopped), let the consumer catch up with what was delivered, then stop it.
    var replay = streamer.ReplayAsync(prepared, clock, sink, stop.Token);
    async Task DrainAsync()
    {
        await replay;
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (dashboard.Consumed < sink.Summary.Delivered && DateTime.UtcNow < deadline && !consumer.IsCompleted)
        {
            await Task.Delay(50);
        }

        await stopConsumer.CancelAsync();
        await consumer;
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
    subscriptions.ForEach(s => s.Dispose());
    var run = await replay;
    var delivery = sink.Summary;

    Console.WriteLine();
    Console.WriteLine(run.Cancelled ? $"Summary (stopped by {stop.Reason})" : "Summary");
    Console.Write(run);
    Console.WriteLine($"kafka: {delivery}");
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"consumed {dashboard.Consumed:N0} ({source.Summary}); late for their window {dashboard.Late:N0}"));
    foreach (var error in run.Errors.Take(5))
    {
        Console.WriteLine($"  {error}");
    }

    if (charts is not null)
    {
        charts.SaveDaily(options.Chart!);
        charts.SaveMap(options.MapChart!);
        Console.WriteLine($"charts written to {options.Chart} and {options.MapChart}");
    }

    if (run.Cancelled)
    {
        return ConsoleApp.Interrupted;
    }

    // Success means every row is accounted for and everything delivered came back.
    return run.IsBalanced && delivery.Pending == 0 && dashboard.Consumed == delivery.Delivered ? ConsoleApp.Success : ConsoleApp.Failure;
}
