using System.Diagnostics;
using Confluent.Kafka;
using CrimeStreaming.Csv;
using CrimeStreaming.Kafka;
using CrimeStreaming.Kafka.Embedded;

namespace CrimeStreaming.Benchmarks.Kafka;

/// <summary>
/// The producer adapter and the consumer source against raw Confluent.Kafka loops, same messages, in paired alternating
/// runs (<see cref="PairedRuns"/>), each run on a fresh embedded cluster.
/// </summary>
public sealed class KafkaFigures : IFigureSuite
{
    // The embedded cluster keeps only ~5 MiB per partition: 64 officers (keys) over 64 partitions keep 100k reports of ~650 B whole.
    private const int Partitions = 64;
    private const int Officers = 64;

    public string Name => "kafka";

    public async Task RunAsync(FigureContext context, CancellationToken cancellationToken)
    {
        var count = context.Quick ? 10_000 : 100_000;
        var rounds = PairedRuns.Rounds(context, full: 7, quick: 1);
        var reports = Reports(count);
        var payloads = reports.Select(CrimeReportJson.Serialize).ToArray();
        var bytes = payloads.Average(p => p.Length);

        // Every run gets a fresh cluster (and so a fresh topic): no run reads, or competes with, another run's data.
        var produce = await PairedRuns.RunAsync(
            rounds,
            new PairedSide("raw produce", _ => Task.FromResult(OnFreshCluster(bootstrap => RawProduce(bootstrap, Topic, reports, payloads, serialize: false)))),
            new PairedSide("raw produce + serialize", _ => Task.FromResult(OnFreshCluster(bootstrap => RawProduce(bootstrap, Topic, reports, payloads, serialize: true)))),
            new PairedSide("sink", _ => OnFreshClusterAsync(bootstrap => AdapterProduce(bootstrap, Topic, reports))));
        produce.ReportRate(context, Name, 0, "raw Confluent.Kafka Produce loop (pre-serialized JSON)", "msg/s", $"{count:N0} reports of {bytes:N0} B, {Partitions} partitions, RF 3, idempotent, acks=all, fresh cluster per run");
        produce.ReportRate(context, Name, 2, "KafkaCrimeSink (serializes each report)", "msg/s");
        produce.ReportRatio(context, Name, 2, 0, "adapter / raw produce", "goal >= 0.8");
        produce.ReportRate(context, Name, 1, "raw Produce loop + CrimeReportJson.Serialize", "msg/s", "the same work as the adapter minus the library");
        produce.ReportRatio(context, Name, 2, 1, "adapter / (raw produce + serialize)", "the adapter's own overhead");

        // A consume run reads the reports 3 times over (300k messages, 3 MB per partition): a read of 100k took a quarter
        // of a second, short enough for one late fetch to move a run's rate by half. Every side is timed from the same
        // message on: before it the group is joining and the first fetches from the three brokers arrive one by one.
        var fills = context.Quick ? 1 : 3;
        var consumed = count * fills;
        var untimed = context.Quick ? 1 : 10_000;

        // Each consume run fills its own fresh cluster first (untimed), then reads it with a new group from the start.
        // The source stores processed offsets in batches (1,000 messages or 100 ms); the batched peers do the same, so
        // that the last ratio is the source's own overhead, and the third says what batching alone is worth.
        var consume = await PairedRuns.RunAsync(
            PairedRuns.Rounds(context, full: 9, quick: 1),
            new PairedSide("raw consume", _ => Task.FromResult(OnFreshCluster(bootstrap => Filled(bootstrap, reports, payloads, fills, () => RawConsume(bootstrap, Topic, consumed, parse: false, batchedStores: false, untimed))))),
            new PairedSide("raw consume, batched stores", _ => Task.FromResult(OnFreshCluster(bootstrap => Filled(bootstrap, reports, payloads, fills, () => RawConsume(bootstrap, Topic, consumed, parse: false, batchedStores: true, untimed))))),
            new PairedSide("raw consume + deserialize, batched stores", _ => Task.FromResult(OnFreshCluster(bootstrap => Filled(bootstrap, reports, payloads, fills, () => RawConsume(bootstrap, Topic, consumed, parse: true, batchedStores: true, untimed))))),
            new PairedSide("source", _ => OnFreshClusterAsync(bootstrap => Filled(bootstrap, reports, payloads, fills, () => SourceConsume(bootstrap, Topic, consumed, untimed)))));
        consume.ReportRate(context, Name, 0, "raw Confluent.Kafka consume loop (bytes only, StoreOffset per message)", "msg/s", $"{consumed:N0} messages, new group, reading from the start, timed from message 10,000 to the last, fresh cluster per run");
        consume.ReportRate(context, Name, 3, "KafkaCrimeSource (deserializes each report, stores offsets in batches)", "msg/s");
        consume.ReportRatio(context, Name, 3, 0, "source / raw consume", "goal >= 0.8");
        consume.ReportRate(context, Name, 1, "raw consume loop, offsets stored in batches (bytes only)", "msg/s");
        consume.ReportRatio(context, Name, 1, 0, "batched stores / StoreOffset per message (raw loops)", "what batching the offset store is worth");
        consume.ReportRate(context, Name, 2, "raw consume loop + CrimeReportJson.Deserialize, offsets stored in batches", "msg/s", "the same work as the source minus the library's loop");
        consume.ReportRatio(context, Name, 3, 2, "source / (raw consume + deserialize, batched stores)", "the source's own overhead");
    }

    private const string Topic = "crimes";

    private static T OnFreshCluster<T>(Func<string, T> run)
    {
        using var cluster = new EmbeddedKafkaCluster();
        cluster.CreateTopic(Topic, Partitions, 3);
        return run(cluster.BootstrapServers);
    }

    private static async Task<T> OnFreshClusterAsync<T>(Func<string, Task<T>> run)
    {
        using var cluster = new EmbeddedKafkaCluster();
        cluster.CreateTopic(Topic, Partitions, 3);
        return await run(cluster.BootstrapServers);
    }

    private static T Filled<T>(string bootstrap, List<CrimeReport> reports, byte[][] payloads, int fills, Func<T> read)
    {
        for (var i = 0; i < fills; i++)
        {
            RawProduce(bootstrap, Topic, reports, payloads, serialize: false, roundRobin: true);
        }

        return read();
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

    private static double RawProduce(string bootstrap, string topic, List<CrimeReport> reports, byte[][] payloads, bool serialize, bool roundRobin = false)
    {
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
                    // Filling for a consume run spreads the messages evenly: by key, a partition holding several officers
                    // would pass the embedded cluster's 5 MiB per partition and lose its oldest messages.
                    var target = roundRobin ? new TopicPartition(topic, new Partition(i % Partitions)) : new TopicPartition(topic, Partition.Any);
                    producer.Produce(target, message, d =>
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

    private static double RawConsume(string bootstrap, string topic, int count, bool parse, bool batchedStores, int untimed)
    {
        var pending = new Dictionary<int, long>();
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

            if (n == untimed)
            {
                watch = Stopwatch.StartNew(); // group join and the first fetches from every broker are not throughput
            }

            sum += parse ? CrimeReportJson.Deserialize(r.Message.Value).OfficerId : r.Message.Value.Length;
            if (!batchedStores)
            {
                consumer.StoreOffset(r);
            }
            else
            {
                // As the source does: the newest position of each partition, stored every 1,000 messages.
                pending[r.Partition.Value] = r.Offset.Value + 1;
                if (pending.Count > 0 && (n + 1) % 1_000 == 0)
                {
                    foreach (var (partition, next) in pending)
                    {
                        consumer.StoreOffset(new TopicPartitionOffset(topic, partition, next));
                    }

                    pending.Clear();
                }
            }

            n++;
        }

        watch!.Stop();
        consumer.Close();
        GC.KeepAlive(sum);
        return (count - untimed) / watch.Elapsed.TotalSeconds;
    }

    private static async Task<double> SourceConsume(string bootstrap, string topic, int count, int untimed)
    {
        var source = new KafkaCrimeSource(new KafkaCrimeSourceOptions { BootstrapServers = bootstrap, Topic = topic, GroupId = "source-" + Guid.NewGuid().ToString("N"), MaxReports = count, StopAtEnd = true });
        Stopwatch? watch = null;
        long n = 0;
        await foreach (var _ in source.ReadAllAsync())
        {
            if (n == untimed)
            {
                watch = Stopwatch.StartNew();
            }

            if (++n == count)
            {
                // To the last message, as the raw loops are timed: the final commit and leaving the group (when the
                // read ends) are not throughput.
                watch!.Stop();
            }
        }

        Check(n, count, "source consume");
        return (count - untimed) / watch!.Elapsed.TotalSeconds;
    }

    private static void Check(long actual, long expected, string what)
    {
        if (actual != expected)
        {
            throw new InvalidOperationException($"{what}: {actual} of {expected} messages");
        }
    }
}
