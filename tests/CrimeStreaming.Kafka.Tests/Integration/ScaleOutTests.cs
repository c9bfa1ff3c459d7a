using CrimeStreaming.Kafka.Analysis;
using CrimeStreaming.ScaleOut;
using CrimeStreaming.Tests.ScaleOut;

namespace CrimeStreaming.Kafka.Tests.Integration;

/// <summary>
/// Analysis spread over a consumer group on the embedded 3-broker cluster: whatever the number of instances, and with
/// instances crashing or joining mid-stream, the global windows equal one brute-force recount of every report.
/// </summary>
public class ScaleOutTests
{
    private const string Results = "la-crime-windows";

    [Fact]
    public async Task One_and_three_instances_publish_the_same_global_windows_as_a_brute_force_recount()
    {
        var (one, emitted, summaries1) = await Analyse(instances: 1);
        var (three, _, summaries3) = await Analyse(instances: 3);

        var expected = GlobalWindowOracle.Digest(emitted);
        one.Digest.Should().Be(expected);
        three.Digest.Should().Be(expected, "three instances share the partitions and still give one instance's results");
        one.Reports.Should().Be(1958);
        three.Reports.Should().Be(1958);
        one.LateReports.Should().Be(0);
        three.Should().BeEquivalentTo(one, o => o.Excluding(s => s.Accepted).Excluding(s => s.Duplicates).Excluding(s => s.Conflicting));
        summaries1.Sum(s => s.Reports).Should().Be(1958);
        summaries3.Sum(s => s.Reports).Should().Be(1958, "each report was aggregated by exactly one instance");
        summaries3.Should().OnlyContain(s => s.Assigned > 0, "every instance was given partitions");
    }

    [Fact]
    public async Task An_instance_that_crashes_and_one_that_joins_mid_stream_leave_the_results_unchanged()
    {
        using var cluster = KafkaTestData.AnalysisCluster(Results, partitions: 6);
        var options = KafkaTestData.AnalysisOptions(cluster, Results);
        using var reader = new KafkaWindowResults(options);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        var reading = reader.RunAsync(timeout.Token);

        // Two instances start; the replay is held back by the analysis group's lag, so the analysis is mid-stream when
        // one of them crashes (nothing more published or committed) and a third joins.
        var first = new KafkaWindowAnalyser(options);
        var doomed = new KafkaWindowAnalyser(options);
        using var crash = new CancellationTokenSource();
        var running = new List<Task> { first.RunAsync(timeout.Token), doomed.RunAsync(timeout.Token, crash.Token) };
        var late = new KafkaWindowAnalyser(options);
        List<CrimeReport> emitted;
        using (var sink = new KafkaCrimeSink(new KafkaCrimeSinkOptions
        {
            BootstrapServers = cluster.BootstrapServers,
            ConsumerLagLimit = new ConsumerLagLimit { GroupId = options.GroupId, MaxMessagesPerPartition = 100 },
        }))
        {
            emitted = await KafkaTestData.ReplayInto(sink, n =>
            {
                if (n == 700)
                {
                    crash.Cancel();
                }
                else if (n == 1200)
                {
                    // The replay waits here until the newcomer holds partitions: it joins mid-stream however busy the
                    // machine is (else the others might finish the stream before the group lets it in).
                    running.Add(late.RunAsync(timeout.Token));
                    while (late.OwnedPartitions == 0 && !timeout.IsCancellationRequested)
                    {
                        Thread.Sleep(20);
                    }
                }
            });
        }

        await Task.WhenAll(running);
        await reading;

        timeout.IsCancellationRequested.Should().BeFalse();
        reader.IsComplete.Should().BeTrue();
        reader.Digest.Should().Be(GlobalWindowOracle.Digest(emitted), "the survivors recomputed what the crashed instance had not published");
        reader.Summary.Reports.Should().Be(1958, "nothing counted twice, nothing lost");
        reader.Summary.LateReports.Should().Be(0);
        late.Summary.Assigned.Should().BePositive("the instance that joined took partitions over");
        (first.Summary.Restored + late.Summary.Restored).Should().BePositive("partitions were taken over from a checkpoint");
    }

    [Fact]
    public async Task Two_shards_replaying_as_fast_as_possible_on_their_own_clocks_give_the_single_process_results()
    {
        using var cluster = KafkaTestData.AnalysisCluster(Results, partitions: 3);
        var options = KafkaTestData.AnalysisOptions(cluster, Results);
        using var reader = new KafkaWindowResults(options);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        var reading = reader.RunAsync(timeout.Token);
        var analysing = new[] { new KafkaWindowAnalyser(options), new KafkaWindowAnalyser(options) }.Select(a => a.RunAsync(timeout.Token)).ToList();

        // Both shards run at once, each on its own virtual clock: their reports interleave arbitrarily in a partition.
        var emitted = new List<CrimeReport>();
        var shards = Enumerable.Range(1, 2).Select(async i =>
        {
            var shard = new ReplayShard(i, 2);
            var streamer = new BasicCrimeStreamer(
                new CrimeStreaming.Csv.CsvCrimeRecordSource(KafkaTestData.Sample2020),
                new CrimeStreamerOptions { Seed = 3, Officers = 4, AsFastAsPossible = true, Shard = shard });
            using var sink = new KafkaCrimeSink(new KafkaCrimeSinkOptions { BootstrapServers = cluster.BootstrapServers, Shard = shard });
            var recorder = new KafkaTestData.CallbackSink(r =>
            {
                lock (emitted)
                {
                    emitted.Add(r);
                }
            });
            var summary = await streamer.RunAsync(new CompositeCrimeSink(sink, recorder));
            summary.IsBalanced.Should().BeTrue();
        }).ToList();
        await Task.WhenAll(shards);
        await Task.WhenAll(analysing);
        await reading;

        emitted.Should().HaveCount(1958);
        reader.IsComplete.Should().BeTrue("every partition has the end markers of both shards");
        reader.Summary.LateReports.Should().Be(0, "the watermark of a partition is its slowest shard's");
        reader.Digest.Should().Be(GlobalWindowOracle.Digest(emitted));
    }

    [Fact]
    public async Task Foreign_messages_on_the_results_topic_are_skipped_and_counted()
    {
        using var cluster = KafkaTestData.AnalysisCluster(Results, partitions: 2);
        using (var raw = new Confluent.Kafka.ProducerBuilder<Confluent.Kafka.Null, string>(new Confluent.Kafka.ProducerConfig { BootstrapServers = cluster.BootstrapServers }).Build())
        {
            raw.Produce(Results, new Confluent.Kafka.Message<Confluent.Kafka.Null, string> { Value = "not a result" });
            raw.Produce(Results, new Confluent.Kafka.Message<Confluent.Kafka.Null, string>
            {
                Value = "{\"kind\":\"batch\"}",
                Headers = [new Confluent.Kafka.Header(WindowResultsCodec.HeaderName, "1"u8.ToArray())],
            });
            raw.Flush(TimeSpan.FromSeconds(10));
        }

        var options = KafkaTestData.AnalysisOptions(cluster, Results);
        List<CrimeReport> emitted;
        using (var sink = new KafkaCrimeSink(new KafkaCrimeSinkOptions { BootstrapServers = cluster.BootstrapServers }))
        {
            emitted = await KafkaTestData.ReplayInto(sink);
        }

        using var reader = new KafkaWindowResults(options);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var reading = reader.RunAsync(timeout.Token);
        await new KafkaWindowAnalyser(options).RunAsync(timeout.Token);
        await reading;

        reader.ForeignMessages.Should().Be(2);
        reader.Digest.Should().Be(GlobalWindowOracle.Digest(emitted));
    }

    private static async Task<(MergeSummary Merged, List<CrimeReport> Emitted, List<KafkaAnalysisSummary> Instances)> Analyse(int instances)
    {
        using var cluster = KafkaTestData.AnalysisCluster(Results, partitions: 6);
        var options = KafkaTestData.AnalysisOptions(cluster, Results);
        using var reader = new KafkaWindowResults(options);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        var reading = reader.RunAsync(timeout.Token);
        var analysers = Enumerable.Range(0, instances).Select(_ => new KafkaWindowAnalyser(options)).ToList();
        var running = analysers.Select(a => a.RunAsync(timeout.Token)).ToList();

        // The replay starts once the group has spread the partitions over every instance.
        while (analysers.Any(a => a.OwnedPartitions == 0) || analysers.Sum(a => a.OwnedPartitions) != 6)
        {
            timeout.Token.ThrowIfCancellationRequested();
            await Task.Delay(20);
        }

        List<CrimeReport> emitted;
        using (var sink = new KafkaCrimeSink(new KafkaCrimeSinkOptions { BootstrapServers = cluster.BootstrapServers }))
        {
            emitted = await KafkaTestData.ReplayInto(sink);
        }

        await Task.WhenAll(running);
        await reading;
        timeout.IsCancellationRequested.Should().BeFalse("the analysis completes on the end-of-stream markers");
        reader.IsComplete.Should().BeTrue();
        reader.ForeignMessages.Should().Be(0);
        return (reader.Summary, emitted, analysers.Select(a => a.Summary).ToList());
    }
}
