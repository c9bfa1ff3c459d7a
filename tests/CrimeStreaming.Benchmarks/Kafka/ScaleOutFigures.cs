using System.Diagnostics;
using System.Globalization;
using System.Text;
using Confluent.Kafka;
using CrimeStreaming.Csv;
using CrimeStreaming.Generation;
using CrimeStreaming.Kafka;
using CrimeStreaming.Kafka.Analysis;
using CrimeStreaming.Kafka.Embedded;

using static CrimeStreaming.Benchmarks.Kafka.EndToEndSetup;

namespace CrimeStreaming.Benchmarks.Kafka;

/// <summary>
/// The whole pipeline end to end, as fast as possible: generated 2020 rows → <see cref="BasicCrimeStreamer"/> →
/// <see cref="KafkaCrimeSink"/> (bounded by the analysis group's lag) → K <see cref="KafkaWindowAnalyser"/> instances →
/// <see cref="KafkaWindowResults"/>, for K = 1, 2 and 4, against a raw Confluent.Kafka produce-and-count loop moving the
/// same reports. Peer and ours alternate, each run on a fresh embedded cluster, after one untimed warm-up pair (the
/// first run of a process compiles its hot paths while it is timed: it took 4.8 s where later runs took 2.5–3 s).
/// </summary>
public sealed class ScaleOutFigures : IFigureSuite
{
    private const string PeerTopic = "la-crime-raw";

    private static readonly int[] InstanceCounts = [1, 2, 4];

    public string Name => "scaleout";

    public async Task RunAsync(FigureContext context, CancellationToken cancellationToken)
    {
        var rows = context.Quick ? 50_000 : 1_000_000;
        var pairs = context.Quick ? 1 : 3;
        var runTimeout = context.Quick ? TimeSpan.FromSeconds(60) : TimeSpan.FromMinutes(5);
        var directory = Directory.CreateTempSubdirectory("crimestreaming-scaleout-");
        try
        {
            var path = Path.Combine(directory.FullName, "crimes-2020.csv");
            var generator = new LapdGeneratorOptions { Rows = rows, Schema = CrimeCsvSchema.Lapd2020ToPresent, Seed = Seed };
            LapdCsvGenerator.WriteFile(path, generator, cancellationToken);

            // The peer moves the very reports the replay emits, serialized before any clock starts, in replay order.
            PeerInput peerInput;
            using (var prepared = NewStreamer(path).Prepare(cancellationToken))
            {
                var reports = prepared.Officers.SelectMany(o => o.Reports).OrderBy(r => r.ReportTime).ToList();
                peerInput = new PeerInput(
                    reports.Select(CrimeReportJson.Serialize).ToArray(),
                    reports.Select(r => Encoding.UTF8.GetBytes(r.OfficerId.ToString(CultureInfo.InvariantCulture))).ToArray(),
                    reports.Select(r => new Timestamp(r.ReportTime)).ToArray());
            }

            var count = peerInput.Payloads.Length;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"[{Name}] {rows:N0} generated rows (2020 schema, seed {Seed}) -> {count:N0} scheduled reports of {peerInput.Payloads.Average(p => p.Length):N0} B; {Officers} officers, {Partitions} partitions RF {ReplicationFactor}, {pairs} pair(s) peer/ours"));

            var peer = new List<double>();
            var ours = InstanceCounts.ToDictionary(k => k, _ => new List<OursRun>());
            if (!context.Quick)
            {
                var warmPeer = await Task.Run(() => RunPeer(peerInput, runTimeout, cancellationToken), cancellationToken);
                var warmOurs = await RunOurs(path, 1, runTimeout, cancellationToken);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"[{Name}]   warm-up, not counted: raw peer {warmPeer.Rate:N0} msg/s, K=1 {warmOurs.ReportsPerSecond:N0} reports/s"));
            }

            for (var pair = 1; pair <= pairs; pair++)
            {
                var peerRun = await Task.Run(() => RunPeer(peerInput, runTimeout, cancellationToken), cancellationToken);
                peer.Add(peerRun.Rate);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"[{Name}]   pair {pair}: raw peer {peerRun.Rate:N0} msg/s ({peerRun.Load})"));
                foreach (var instances in InstanceCounts)
                {
                    var run = await RunOurs(path, instances, runTimeout, cancellationToken);
                    ours[instances].Add(run);
                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"[{Name}]   pair {pair}: K={instances} {run.ReportsPerSecond:N0} reports/s ({run.Reports:N0} reports in {run.Seconds:F2} s, prepare {run.PrepareSeconds:F2} s untimed, group settled in {run.SettleSeconds:F2} s untimed, replay done at {run.ReplaySeconds:F2} s of which {run.LagWaitSeconds:F2} s waiting for the group's commits in {run.LagWaits:N0} waits, late reports {run.LateReports:N0}; {run.Load}), digest {run.Digest}"));
                }
            }

            context.Report(Name, "raw peer: Confluent produce (pre-serialized) + concurrent count-only consume", Median(peer), "msg/s", string.Create(CultureInfo.InvariantCulture, $"median of {peer.Count}, min-max {Spread(peer)}; {count:N0} reports, {Partitions} partitions RF {ReplicationFactor}, acks=all, idempotent, key = officer id, consumer fetch.wait.max.ms 10 as the analyser's; producer held to <= {MaxUnconsumedPerPartition:N0} unconsumed messages per partition (as the sink's lag limit): with {Officers} officer keys more partitions would not spread the data, so 64 partitions would not keep it within the mock's ~5 MiB per partition"));
            foreach (var instances in InstanceCounts)
            {
                var rates = ours[instances].Select(r => r.ReportsPerSecond).ToList();
                context.Report(Name, $"K={instances}: replay -> sink -> {instances} analyser(s) -> merged results complete", Median(rates), "reports/s", string.Create(CultureInfo.InvariantCulture, $"median of {rates.Count}, min-max {Spread(rates)}; wall time from replay start to results complete, prepare and group join excluded"));
            }

            foreach (var instances in InstanceCounts)
            {
                var ratios = ours[instances].Select((r, i) => r.ReportsPerSecond / peer[i]).ToList();
                context.Report(Name, $"K={instances} / raw peer", Median(ratios), "ratio", $"median of per-pair ratios, min-max {Spread(ratios)}");
            }

            var prepare = ours.Values.SelectMany(r => r).Select(r => r.PrepareSeconds).ToList();
            context.Report(Name, "BasicCrimeStreamer.Prepare (not in the figures above)", Median(prepare), "s", string.Create(CultureInfo.InvariantCulture, $"median of {prepare.Count}, min-max {Spread(prepare)}; {rows:N0} rows"));
            var peak = Process.GetCurrentProcess().PeakWorkingSet64;
            context.Report(Name, "process peak working set after the runs", peak / (1024.0 * 1024.0), "MiB");

            var digests = ours.SelectMany(kv => kv.Value.Select(r => (Instances: kv.Key, r.Digest))).ToList();
            var distinct = digests.Select(d => d.Digest).Distinct(StringComparer.Ordinal).ToList();
            if (distinct.Count != 1)
            {
                var detail = string.Join("; ", digests.Select(d => $"K={d.Instances}: {d.Digest}"));
                Console.WriteLine($"[{Name}] !!! DIGEST MISMATCH: the merged results differ between runs: {detail}");
                Console.Error.WriteLine($"[{Name}] !!! DIGEST MISMATCH: the merged results differ between runs: {detail}");
                throw new InvalidOperationException($"scale-out digest mismatch: {detail}");
            }

            Console.WriteLine($"[{Name}] digest {distinct[0]} identical for K = {string.Join(", ", InstanceCounts)} in all {digests.Count} runs");
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

    private static async Task<OursRun> RunOurs(string path, int instances, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var cluster = AnalysisCluster();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        stop.CancelAfter(timeout);
        Task reading = Task.CompletedTask;
        Task analysing = Task.CompletedTask;
        try
        {
            var streamer = NewStreamer(path);
            var prepareWatch = Stopwatch.StartNew();
            using var prepared = await streamer.PrepareAsync(stop.Token);
            prepareWatch.Stop();

            var options = new KafkaWindowAnalyserOptions { BootstrapServers = cluster.BootstrapServers, ResultsTopic = ResultsTopic, GroupId = AnalysisGroup };
            using var results = new KafkaWindowResults(options);
            var analysers = Enumerable.Range(0, instances).Select(_ => new KafkaWindowAnalyser(options)).ToList();
            reading = results.RunAsync(stop.Token);
            analysing = Task.WhenAll(analysers.Select(a => a.RunAsync(stop.Token)));

            // Timing starts once the group has spread the partitions over every instance, as the peer's starts once its consumer is assigned.
            var settle = Stopwatch.StartNew();
            while (analysers.Sum(a => a.OwnedPartitions) != Partitions || analysers.Any(a => a.OwnedPartitions == 0))
            {
                if (reading.IsCompleted || analysing.IsCompleted)
                {
                    await Task.WhenAll(reading, analysing);
                    throw new InvalidOperationException("the analysis stopped before the replay started");
                }

                await Task.Delay(10, stop.Token);
            }

            settle.Stop();
            using var sink = LagBoundedSink(cluster.BootstrapServers, AnalysisGroup);

            var load = MachineLoad.Start();
            var threads = ThreadCpu.Start();
            var watch = Stopwatch.StartNew();
            var replay = await streamer.ReplayAsync(prepared, streamer.CreateClock(prepared.Start), sink, stop.Token);
            var replaySeconds = watch.Elapsed.TotalSeconds;
            await UntilResultsAsync(reading, analysing);
            watch.Stop();
            var loadText = load.Stop() + "; " + threads.Stop();
            await analysing;

            var merged = results.Summary;
            var delivery = sink.Summary;
            CheckComplete($"K={instances}", replay, delivery, merged, stop.IsCancellationRequested, timeout);
            return new OursRun(
                replay.Scheduled,
                watch.Elapsed.TotalSeconds,
                replay.Scheduled / watch.Elapsed.TotalSeconds,
                prepareWatch.Elapsed.TotalSeconds,
                settle.Elapsed.TotalSeconds,
                replaySeconds,
                delivery.LagWaits,
                delivery.LagWaitTime.TotalSeconds,
                merged.LateReports,
                results.Digest,
                loadText);
        }
        finally
        {
            await StopClientsAsync(stop, reading, analysing);
        }
    }

    private static PeerRun RunPeer(PeerInput input, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var cluster = new EmbeddedKafkaCluster(3);
        cluster.CreateTopic(PeerTopic, Partitions, ReplicationFactor);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        stop.CancelAfter(timeout);

        var count = input.Payloads.Length;
        var delivered = new long[Partitions];
        var consumed = new long[Partitions];
        long deliveredTotal = 0, failed = 0, consumedTotal = 0, produced = 0;
        long doneTicks = 0;
        var waiting = 0;
        using var progress = new ManualResetEventSlim(false);
        using var assigned = new ManualResetEventSlim(false);
        var clock = new Stopwatch();
        MachineLoad? load;
        ThreadCpu? threads = null;
        string? threadsText = null;
        var loadText = string.Empty;

        var consumerConfig = new ConsumerConfig { BootstrapServers = cluster.BootstrapServers, GroupId = "raw-peer", AutoOffsetReset = AutoOffsetReset.Earliest, EnableAutoCommit = true, FetchWaitMaxMs = 10 /* as the analyser: fetch what arrives at once */ };
        var consuming = Task.Factory.StartNew(
            () =>
            {
                using var consumer = new ConsumerBuilder<Ignore, byte[]>(consumerConfig).SetLogHandler((_, _) => { }).Build();
                try
                {
                    consumer.Subscribe(PeerTopic);
                    while (consumer.Assignment.Count < Partitions)
                    {
                        stop.Token.ThrowIfCancellationRequested();
                        consumer.Consume(TimeSpan.FromMilliseconds(20)); // the topic is empty until assigned: nothing is skipped
                    }

                    assigned.Set();
                    while (Interlocked.Read(ref consumedTotal) < count)
                    {
                        var result = consumer.Consume(stop.Token);
                        if (result is null || result.IsPartitionEOF)
                        {
                            continue;
                        }

                        Interlocked.Increment(ref consumed[result.Partition.Value]);
                        if (Interlocked.Increment(ref consumedTotal) == count)
                        {
                            Volatile.Write(ref doneTicks, clock.Elapsed.Ticks);

                            // Before this consumer closes: its librdkafka threads end with it.
                            Volatile.Write(ref threadsText, Volatile.Read(ref threads)?.Stop());
                        }

                        if (Volatile.Read(ref waiting) == 1)
                        {
                            progress.Set();
                        }
                    }
                }
                finally
                {
                    consumer.Close();
                }
            },
            stop.Token,
            TaskCreationOptions.LongRunning,
            TaskScheduler.Default);

        var producerConfig = new ProducerConfig
        {
            BootstrapServers = cluster.BootstrapServers,
            EnableIdempotence = true,
            Acks = Acks.All,
            LingerMs = 5, // the sink's defaults
            QueueBufferingMaxMessages = 100_000,
            DeliveryReportFields = "status",
        };
        try
        {
            using var producer = new ProducerBuilder<byte[], byte[]>(producerConfig).SetLogHandler((_, _) => { }).Build();
            while (!assigned.Wait(20))
            {
                if (consuming.IsCompleted || stop.IsCancellationRequested)
                {
                    consuming.GetAwaiter().GetResult();
                    throw new TimeoutException("raw peer: the consumer was not assigned");
                }
            }

            void OnDelivery(DeliveryReport<byte[], byte[]> report)
            {
                if (report.Error.IsError)
                {
                    Interlocked.Increment(ref failed);
                }
                else
                {
                    Interlocked.Increment(ref delivered[report.Partition.Value]);
                }

                Interlocked.Increment(ref deliveredTotal);
            }

            // The sink's lag bound, measured in-process for free: per partition, delivered and not yet consumed, plus
            // every message still in flight counted against every partition.
            bool Open()
            {
                var inFlight = Interlocked.Read(ref produced) - Interlocked.Read(ref deliveredTotal);
                for (var p = 0; p < Partitions; p++)
                {
                    if (Interlocked.Read(ref delivered[p]) - Interlocked.Read(ref consumed[p]) + inFlight > MaxUnconsumedPerPartition)
                    {
                        return false;
                    }
                }

                return true;
            }

            load = MachineLoad.Start();
            Volatile.Write(ref threads, ThreadCpu.Start());
            clock.Start();
            for (var i = 0; i < count; i++)
            {
                while (!Open())
                {
                    progress.Reset();
                    Volatile.Write(ref waiting, 1);
                    if (Open())
                    {
                        break;
                    }

                    if (!progress.Wait(5) && stop.IsCancellationRequested)
                    {
                        throw new TimeoutException($"raw peer: not complete within {timeout} ({Interlocked.Read(ref consumedTotal):N0} of {count:N0} consumed, producer waiting on the lag bound)");
                    }
                }

                Volatile.Write(ref waiting, 0);
                var message = new Message<byte[], byte[]> { Key = input.Keys[i], Value = input.Payloads[i], Timestamp = input.Timestamps[i] };
                while (true)
                {
                    try
                    {
                        producer.Produce(PeerTopic, message, OnDelivery);
                        Interlocked.Increment(ref produced);
                        break;
                    }
                    catch (ProduceException<byte[], byte[]> e) when (e.Error.Code == ErrorCode.Local_QueueFull)
                    {
                        producer.Poll(TimeSpan.FromMilliseconds(5));
                    }
                }
            }

            try
            {
                consuming.Wait(stop.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"raw peer: not complete within {timeout} ({Interlocked.Read(ref consumedTotal):N0} of {count:N0} consumed, {Interlocked.Read(ref deliveredTotal):N0} delivered)");
            }

            loadText = load.Stop() + "; " + Volatile.Read(ref threadsText);
            producer.Flush(TimeSpan.FromMinutes(1));
        }
        finally
        {
            // The consumer closes before the cluster goes (a consumer closing against a destroyed cluster hangs).
            if (!consuming.IsCompleted)
            {
                stop.Cancel();
            }

            try
            {
                consuming.Wait(TimeSpan.FromMinutes(1), CancellationToken.None);
            }
            catch (AggregateException)
            {
                // Already reported, or the cancellation above.
            }
        }

        Check(Interlocked.Read(ref failed) == 0 && Interlocked.Read(ref deliveredTotal) == count, $"raw peer: {deliveredTotal:N0} of {count:N0} delivered, {failed:N0} failed");
        Check(Interlocked.Read(ref consumedTotal) == count, $"raw peer: {consumedTotal:N0} of {count:N0} consumed");
        return new PeerRun(count / TimeSpan.FromTicks(Volatile.Read(ref doneTicks)).TotalSeconds, loadText);
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToList();
        var middle = sorted.Count / 2;
        return sorted.Count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }

    private static string Spread(List<double> values) => $"{Figure.Format(values.Min())}-{Figure.Format(values.Max())}";

    private sealed record PeerInput(byte[][] Payloads, byte[][] Keys, Timestamp[] Timestamps);

    private sealed record OursRun(long Reports, double Seconds, double ReportsPerSecond, double PrepareSeconds, double SettleSeconds, double ReplaySeconds, long LagWaits, double LagWaitSeconds, long LateReports, string Digest, string Load);

    private sealed record PeerRun(double Rate, string Load);
}
