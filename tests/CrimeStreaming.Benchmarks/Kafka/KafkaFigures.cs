using System.Diagnostics;
using CrimeStreaming.Csv;
using CrimeStreaming.Kafka;
using Confluent.Kafka;

namespace CrimeStreaming.Benchmarks.Kafka;

/// <summary>The producer adapter and the consumer source against raw Confluent.Kafka loops, same cluster, same messages.</summary>
public sealed class KafkaFigures : IFigureSuite
{
    // The embedded cluster keeps only ~5 MiB per partition: 64 officers (keys) over 64 partitions keep 100k reports of ~650 B whole.
    private const int Partitions = 64;
    private const int Officers = 64;

    public string Name => "kafka";

    public async Task RunAsync(FigureContext context, CancellationToken cancellationToken)
    {
        var count = context.Quick ? 10_000 : 100_000;
        var reports = Reports(count);
        var payloads = reports.Select(CrimeReportJson.Serialize).ToArray();
        var bytes = payloads.Average(p => p.Length);

        using var cluster = new EmbeddedKafkaCluster();
        double raw = 0, rawSerialize = 0, adapter = 0;
        for (var round = 0; round < (context.Quick ? 1 : 3); round++)
        {
            var rawTopic = $"raw-{round}";
            var adapterTopic = $"adapter-{round}";
            cluster.CreateTopic(rawTopic, Partitions, 3);
            cluster.CreateTopic(adapterTopic, Partitions, 3);
            raw = Math.Max(raw, RawProduce(cluster.BootstrapServers, rawTopic, reports, payloads, serialize: false));
            cluster.CreateTopic(rawTopic + "-s", Partitions, 3);
            rawSerialize = Math.Max(rawSerialize, RawProduce(cluster.BootstrapServers, rawTopic + "-s", reports, payloads, serialize: true));
            adapter = Math.Max(adapter, await AdapterProduce(cluster.BootstrapServers, adapterTopic, reports));
        }

        context.Report(Name, "raw Confluent.Kafka Produce loop (pre-serialized JSON)", raw, "msg/s", $"{count:N0} reports of {bytes:N0} B, {Partitions} partitions, RF 3, idempotent, acks=all");
        context.Report(Name, "KafkaCrimeSink (serializes each report)", adapter, "msg/s");
        context.Report(Name, "adapter / raw produce", adapter / raw, "ratio", "goal >= 0.8");
        context.Report(Name, "raw Produce loop + CrimeReportJson.Serialize", rawSerialize, "msg/s", "the same work as the adapter minus the library");
        context.Report(Name, "adapter / (raw produce + serialize)", adapter / rawSerialize, "ratio", "the adapter's own overhead");

        double rawConsume = 0, rawParse = 0, sourceConsume = 0;
        for (var round = 0; round < (context.Quick ? 1 : 3); round++)
        {
            rawConsume = Math.Max(rawConsume, RawConsume(cluster.BootstrapServers, "adapter-0", count, parse: false));
            rawParse = Math.Max(rawParse, RawConsume(cluster.BootstrapServers, "adapter-0", count, parse: true));
            sourceConsume = Math.Max(sourceConsume, await SourceConsume(cluster.BootstrapServers, "adapter-0", count));
        }

        context.Report(Name, "raw Confluent.Kafka consume loop (bytes only)", rawConsume, "msg/s", "new group each run, reading from the start");
        context.Report(Name, "KafkaCrimeSource (deserializes each report, stores offsets)", sourceConsume, "msg/s");
        context.Report(Name, "source / raw consume", sourceConsume / rawConsume, "ratio", "goal >= 0.8");
        context.Report(Name, "raw consume loop + CrimeReportJson.Deserialize", rawParse, "msg/s", "the same work as the source minus the library's loop");
        context.Report(Name, "source / (raw consume + deserialize)", sourceConsume / rawParse, "ratio", "the source's own overhead");
    }

    private static List<CrimeReport> Reports(int count)
    {
        var path = Path.Combine(AppContext.BaseDirectory, "data", "la-crime-2020-present-sample.csv");
        var streamer = new BasicCrimeStreamer(new CsvCrimeRecordSource(path), new CrimeStreamerOptions { Seed = 1, Officers = Officers, AsFastAsPossible = true });
        using var prepared = streamer.Prepare();
        var sample = prepared.Officers.SelectMany(o => o.Reports).ToList();
        return Enumerable.Range(0, count).Select(i =>
        {
            var r = sample[i % sample.Count];
            return r with { Record = r.Record with { DrNumber = $"{i / sample.Count}{r.Record.DrNumber}" } };
        }).ToList();
    }

    private static double RawProduce(string bootstrap, string topic, List<CrimeReport> reports, byte[][] payloads, bool serialize)
    {
        KafkaNative.EnsureLoaded();
        // The same settings as the adapter, delivery reports carrying only the status included.
        var config = new ProducerConfig { BootstrapServers = bootstrap, EnableIdempotence = true, Acks = Acks.All, LingerMs = 5, QueueBufferingMaxMessages = 100_000, DeliveryReportFields = "status" };
        using var producer = new ProducerBuilder<byte[], byte[]>(config).SetLogHandler((_, _) => { }).Build();
        var keys = Enumerable.Range(0, Officers + 1).Select(i => System.Text.Encoding.UTF8.GetBytes(i.ToString(System.Globalization.CultureInfo.InvariantCulture))).ToArray();
        long delivered = 0;
        var watch = Stopwatch.StartNew();
        for (var i = 0; i < payloads.Length; i++)
        {
            var message = new Message<byte[], byte[]> { Key = keys[reports[i].OfficerId], Value = serialize ? CrimeReportJson.Serialize(reports[i]) : payloads[i], Timestamp = new Timestamp(reports[i].ReportTime) };
            while (true)
            {
                try
                {
                    producer.Produce(topic, message, d =>
                    {
                        if (!d.Error.IsError)
                        {
                            Interlocked.Increment(ref delivered);
                        }
                    });
                    break;
                }
                catch (ProduceException<byte[], byte[]> e) when (e.Error.Code == ErrorCode.Local_QueueFull)
                {
                    producer.Poll(TimeSpan.FromMilliseconds(20));
                }
            }
        }

        producer.Flush(TimeSpan.FromMinutes(2));
        watch.Stop();
        Check(delivered, payloads.Length, "raw produce");
        return payloads.Length / watch.Elapsed.TotalSeconds;
    }

    private static async Task<double> AdapterProduce(string bootstrap, string topic, List<CrimeReport> reports)
    {
        using var sink = new KafkaCrimeSink(new KafkaCrimeSinkOptions { BootstrapServers = bootstrap, Topic = topic });
        var watch = Stopwatch.StartNew();
        foreach (var report in reports)
        {
            await sink.WriteAsync(report, CancellationToken.None);
        }

        await sink.CompleteAsync(null, CancellationToken.None);
        watch.Stop();
        Check(sink.Summary.Delivered, reports.Count, "adapter produce");
        return reports.Count / watch.Elapsed.TotalSeconds;
    }

    private static double RawConsume(string bootstrap, string topic, int count, bool parse)
    {
        var config = new ConsumerConfig { BootstrapServers = bootstrap, GroupId = "raw-" + Guid.NewGuid().ToString("N"), AutoOffsetReset = AutoOffsetReset.Earliest, EnableAutoCommit = true, EnableAutoOffsetStore = false };
        using var consumer = new ConsumerBuilder<Ignore, byte[]>(config).SetLogHandler((_, _) => { }).Build();
        consumer.Subscribe(topic);
        long n = 0, sum = 0;
        Stopwatch? watch = null;
        var idle = Stopwatch.StartNew();
        while (n < count)
        {
            var r = consumer.Consume(TimeSpan.FromMilliseconds(100));
            if (r is null || r.IsPartitionEOF)
            {
                Check(idle.Elapsed < TimeSpan.FromSeconds(30) ? count : n, count, "raw consume (stalled)");
                continue;
            }

            idle.Restart();

            watch ??= Stopwatch.StartNew(); // from the first message: group join is not throughput
            sum += parse ? CrimeReportJson.Deserialize(r.Message.Value).OfficerId : r.Message.Value.Length;
            consumer.StoreOffset(r);
            n++;
        }

        watch!.Stop();
        consumer.Close();
        GC.KeepAlive(sum);
        return (count - 1) / watch.Elapsed.TotalSeconds;
    }

    private static async Task<double> SourceConsume(string bootstrap, string topic, int count)
    {
        var source = new KafkaCrimeSource(new KafkaCrimeSourceOptions { BootstrapServers = bootstrap, Topic = topic, GroupId = "source-" + Guid.NewGuid().ToString("N"), MaxReports = count, StopAtEnd = true });
        Stopwatch? watch = null;
        long n = 0;
        await foreach (var _ in source.ReadAllAsync())
        {
            watch ??= Stopwatch.StartNew();
            n++;
        }

        watch!.Stop();
        Check(n, count, "source consume");
        return (count - 1) / watch.Elapsed.TotalSeconds;
    }

    private static void Check(long actual, long expected, string what)
    {
        if (actual != expected)
        {
            throw new InvalidOperationException($"{what}: {actual} of {expected} messages");
        }
    }
}
