using System.Globalization;
using System.Reactive;
using System.Reactive.Linq;
using System.Reactive.Subjects;
using CrimeStreaming;
using CrimeStreaming.Csv;
using CrimeStreaming.Demo;
using CrimeStreaming.Kafka;
using CrimeStreaming.Windowing;
using Microsoft.Extensions.Logging;
using Spectre.Console;

// The main demo: LAPD reports -> officers on an accelerated clock -> Kafka (3 brokers, RF 3) -> back out of Kafka ->
// event-time windows (last 1/6/12 hours) -> live dashboard, then a summary of every record's fate.
DemoOptions options;
try
{
    options = DemoOptions.Parse(args);
}
catch (FormatException e)
{
    Console.Error.WriteLine($"error: {e.Message}");
    Console.Error.WriteLine(DemoOptions.Usage);
    return 2;
}

if (options.Help)
{
    Console.WriteLine(DemoOptions.Usage);
    return 0;
}

using var loggerFactory = LoggerFactory.Create(b => b
    .SetMinimumLevel(options.Verbose ? LogLevel.Information : LogLevel.Warning)
    .AddSimpleConsole(o => o.SingleLine = true)
    .AddFilter("librdkafka", LogLevel.Error));
var logger = loggerFactory.CreateLogger("CrimeStreaming");
var live = !Console.IsOutputRedirected && AnsiConsole.Profile.Capabilities.Interactive;

using var stop = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true; // stop gracefully: flush Kafka, print the summary
    stop.Cancel();
};

// 1. Kafka: the embedded 3-broker cluster, or a real one.
using var cluster = options.BootstrapServers is null ? new EmbeddedKafkaCluster(3) : null;
var bootstrap = options.BootstrapServers ?? cluster!.BootstrapServers;
ITopicProvisioner topics = cluster is not null ? new EmbeddedTopicProvisioner(cluster) : new AdminTopicProvisioner(bootstrap);
await topics.EnsureTopicAsync(options.Topic, options.Partitions, KafkaDefaults.ReplicationFactor);
var topic = await topics.DescribeTopicAsync(options.Topic);
Console.WriteLine(topic);
var topicLine = string.Create(CultureInfo.InvariantCulture, $"{(cluster is null ? "cluster" : "embedded cluster")} {bootstrap}, topic {topic.Name}, {topic.PartitionCount} partitions, RF {topic.ReplicationFactor}");

// 2. Prepare the replay: load, filter, simulate report times, deal reports to officers.
var streamer = new BasicCrimeStreamer(new CsvCrimeRecordSource(options.File), options.ToStreamerOptions(), logger);
using var prepared = await streamer.PrepareAsync(stop.Token);
var clock = streamer.CreateClock(prepared.Start);
if (cluster is not null && prepared.Count * 700L / Math.Min(options.Officers, topic.PartitionCount) > 4_000_000)
{
    // Each officer's reports share one partition (the key), and the embedded cluster keeps only ~5 MiB a partition:
    // more would silently fall off the start of the log, so refuse rather than lose reports.
    var needed = (int)Math.Ceiling(prepared.Count * 700.0 / 4_000_000 * 1.5);
    Console.Error.WriteLine($"error: {prepared.Count:N0} reports need about --officers {needed} --partitions {needed} on the embedded cluster (it keeps ~5 MiB per partition), or --bootstrap-servers of a real cluster.");
    return 2;
}

Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Replaying {prepared.Count:N0} reports by {options.Officers} officers from {prepared.Start:yyyy-MM-dd HH:mm zzz} ({(options.AsFastAsPossible ? "as fast as possible" : $"{options.Acceleration:N0}x")}), seed {prepared.Progress.Seed}"));

// 3. Read the topic back and analyse it by report time. Kafka partitions interleave, so windows wait for a
//    watermark: two real seconds of simulated time (all of it when replaying as fast as possible).
using var sink = new KafkaCrimeSink(new KafkaCrimeSinkOptions { BootstrapServers = bootstrap, Topic = options.Topic }, logger);
var source = new KafkaCrimeSource(new KafkaCrimeSourceOptions { BootstrapServers = bootstrap, Topic = options.Topic, GroupId = $"demo-{Guid.NewGuid():N}" }, logger);
var dashboard = new Dashboard(prepared, clock, sink, topicLine);
var chart = options.Chart is null ? null : new HourlyChart();
var disorder = options.AsFastAsPossible ? TimeSpan.FromDays(3650) : TimeSpan.FromSeconds(Math.Max(3600, 2 * options.Acceleration));
var consumed = new Subject<CrimeReport>();
var late = Observer.Create<CrimeReport>(_ => dashboard.OnLate());
var subscriptions = new List<IDisposable> { consumed.Subscribe(r => { dashboard.OnConsumed(); chart?.Add(r); }) };
foreach (var hours in new[] { 1, 6, 12 })
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

// 4. Replay into Kafka; when done, let the consumer catch up with what was delivered, then stop it.
var replay = streamer.ReplayAsync(prepared, clock, sink, stop.Token);
async Task DrainAsync()
{
    var summary = await replay;
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
Console.WriteLine("Summary");
Console.Write(run);
Console.WriteLine($"kafka: {delivery}");
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"consumed {dashboard.Consumed:N0} ({source.Summary}); late for their window {dashboard.Late:N0}"));
foreach (var error in run.Errors.Take(5))
{
    Console.WriteLine($"  {error}");
}

if (chart is not null)
{
    chart.Save(options.Chart!);
    Console.WriteLine($"chart written to {options.Chart}");
}

// Success means every row is accounted for and everything delivered came back.
return run.IsBalanced && delivery.Pending == 0 && dashboard.Consumed == delivery.Delivered ? 0 : 1;
