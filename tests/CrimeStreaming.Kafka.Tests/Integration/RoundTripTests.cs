using System.Reactive.Threading.Tasks;
using Confluent.Kafka;
using CrimeStreaming.Kafka.Embedded;

namespace CrimeStreaming.Kafka.Tests.Integration;

/// <summary>The real sample through a 3-broker cluster (RF 3) over the Kafka wire protocol on loopback, and back.</summary>
public class RoundTripTests
{
    private static KafkaCrimeSink Sink(EmbeddedKafkaCluster cluster) => new(new KafkaCrimeSinkOptions { BootstrapServers = cluster.BootstrapServers });

    /// <summary>A fresh cluster whose topic (RF 3) holds the real sample's replay, end markers included.</summary>
    private static async Task<EmbeddedKafkaCluster> ClusterWithSample(int partitions)
    {
        var cluster = new EmbeddedKafkaCluster();
        try
        {
            cluster.CreateTopic(KafkaDefaults.Topic, partitions, 3);
            using (var sink = Sink(cluster))
            {
                await KafkaTestData.ReplayInto(sink);
            }

            return cluster;
        }
        catch
        {
            cluster.Dispose();
            throw;
        }
    }

    [Fact]
    public async Task Every_report_is_consumed_exactly_once_equal_in_order_per_officer_with_its_report_time()
    {
        using var cluster = new EmbeddedKafkaCluster();
        var topics = new EmbeddedTopicProvisioner(cluster);
        await topics.EnsureTopicAsync(KafkaDefaults.Topic, 6, 3);
        var description = await topics.DescribeTopicAsync(KafkaDefaults.Topic);
        description.ToString().Should().StartWith("Topic:la-crime PartitionCount:6 ReplicationFactor:3");
        description.Partitions.Should().OnlyContain(p => p.Replicas.Count == 3 && p.InSyncReplicas.Count == 3 && p.Leader >= 1 && p.Leader <= 3);

        List<CrimeReport> emitted;
        using (var sink = Sink(cluster))
        {
            emitted = await KafkaTestData.ReplayInto(sink);
            sink.Summary.Should().Match<KafkaDeliverySummary>(s => s.Produced == 1958 && s.Delivered == 1958 && s.Failed == 0 && s.EndMarkers == 6);
        }

        var (consumed, source) = await KafkaTestData.ReadToEnd(cluster.BootstrapServers, "round-trip");

        consumed.Should().HaveCount(1958);
        source.Summary.Should().Be(new KafkaConsumeSummary { Read = 1958 + 6, Reports = 1958, EndMarkers = 6 });
        consumed.Select(c => c.Report).ToHashSet().SetEquals(emitted).Should().BeTrue("every report comes back equal, field for field");
        consumed.Should().OnlyContain(c => c.EventTime == c.Report.ReportTime, "the message timestamp is the report time");
        foreach (var officer in emitted.GroupBy(r => r.OfficerId))
        {
            consumed.Where(c => c.Report.OfficerId == officer.Key).Select(c => c.Report).Should().Equal(officer, "one officer's reports keep their order");
            consumed.Where(c => c.Report.OfficerId == officer.Key).Select(c => c.Partition).Distinct().Should().ContainSingle("an officer's key maps to one partition");
        }
    }

    [Fact]
    public async Task A_consumer_restarted_in_the_same_group_resumes_from_its_commits()
    {
        using var cluster = await ClusterWithSample(partitions: 4);

        var (first, _) = await KafkaTestData.ReadToEnd(cluster.BootstrapServers, "restart", o => o.MaxReports = 700);
        var (rest, _) = await KafkaTestData.ReadToEnd(cluster.BootstrapServers, "restart");

        first.Should().HaveCount(700);
        rest.Should().HaveCount(1958 - 700, "the second consumer starts where the first one committed");
        first.Concat(rest).Select(c => c.Report.Record.DrNumber).Should().OnlyHaveUniqueItems().And.HaveCount(1958);
    }

    [Fact]
    public async Task Processed_positions_are_committed_while_reading_in_batches_and_never_past_the_report_in_hand()
    {
        using var cluster = await ClusterWithSample(partitions: 4);

        var options = new KafkaCrimeSourceOptions { BootstrapServers = cluster.BootstrapServers, GroupId = "batched-store", CommitInterval = TimeSpan.FromMilliseconds(50) };
        var source = new KafkaCrimeSource(options);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        long committed = -1;
        var n = 0;
        await foreach (var _ in source.ReadAllAsync(timeout.Token))
        {
            if (++n < 1500)
            {
                continue;
            }

            // Report 1,500 is in hand (not processed): 1,499 are processed, and positions are stored at the latest when
            // MaxPending of them wait (sooner when the oldest has waited MaxDelay: a busy machine stores smaller batches),
            // so at most MaxPending - 1 are unstored; the automatic commit ships the stored ones while the reader waits here.
            var deadline = DateTime.UtcNow.AddSeconds(30);
            while (DateTime.UtcNow < deadline && (committed = CommittedCount(cluster.BootstrapServers, "batched-store")) < AtLeastStored)
            {
                await Task.Delay(50);
            }

            break;
        }

        committed.Should().BeGreaterThanOrEqualTo(AtLeastStored, "processed positions are stored in batches of at most MaxPending and committed automatically");
        committed.Should().BeLessThan(1500 + 4, "nothing past the processed reports (and end markers) is committed");
        CommittedCount(cluster.BootstrapServers, "batched-store").Should().Be(1499 + source.Summary.EndMarkers, "closing stores and commits every processed position (reports and end markers), exactly");
    }

    /// <summary>Of 1,499 processed reports, at most <see cref="ProcessedOffsets.MaxPending"/> - 1 positions wait to be stored.</summary>
    private const int AtLeastStored = 1499 - (ProcessedOffsets.MaxPending - 1);

    /// <summary>The group's committed positions summed over the topic's 4 partitions: the messages it has processed.</summary>
    private static long CommittedCount(string bootstrap, string group)
    {
        using var reader = new ConsumerBuilder<Ignore, Ignore>(new ConsumerConfig { BootstrapServers = bootstrap, GroupId = group }).SetLogHandler((_, _) => { }).Build();
        var partitions = Enumerable.Range(0, 4).Select(p => new TopicPartition(KafkaDefaults.Topic, p));
        return reader.Committed(partitions, TimeSpan.FromSeconds(10)).Where(c => c.Offset.Value >= 0).Sum(c => c.Offset.Value);
    }

    [Fact]
    public async Task The_source_is_an_async_enumerable_and_an_observable_of_reports_like_the_sink_is_a_report_sink()
    {
        using var cluster = await ClusterWithSample(partitions: 3);

        var first = new KafkaCrimeSource(new KafkaCrimeSourceOptions { BootstrapServers = cluster.BootstrapServers, GroupId = "shapes", StopAtEnd = true, MaxReports = 500 });
        var enumerated = new List<ConsumedCrimeReport>();
        await foreach (var report in first)
        {
            enumerated.Add(report);
        }

        var rest = new KafkaCrimeSource(new KafkaCrimeSourceOptions { BootstrapServers = cluster.BootstrapServers, GroupId = "shapes", StopAtEnd = true });
        var observed = await System.Reactive.Linq.Observable.ToList(rest).ToTask();

        enumerated.Should().HaveCount(500);
        observed.Should().HaveCount(1958 - 500, "the observer's consumer starts where the enumerated one committed");
        enumerated.Concat(observed).Select(c => c.Report.Record.DrNumber).Should().OnlyHaveUniqueItems();
    }

    [Fact]
    public async Task Messages_that_are_not_reports_are_skipped_with_a_reason()
    {
        using var cluster = new EmbeddedKafkaCluster();
        cluster.CreateTopic(KafkaDefaults.Topic, 1, 3);
        using (var raw = new ProducerBuilder<Null, byte[]>(new ProducerConfig { BootstrapServers = cluster.BootstrapServers }).Build())
        {
            raw.Produce(KafkaDefaults.Topic, new Message<Null, byte[]> { Value = "garbage"u8.ToArray() });
            raw.Flush(TimeSpan.FromSeconds(10));
        }

        using (var sink = Sink(cluster))
        {
            await KafkaTestData.ReplayInto(sink);
        }

        var invalid = new List<InvalidMessage>();
        var (consumed, source) = await KafkaTestData.ReadToEnd(cluster.BootstrapServers, "dead-letters", o => { });
        consumed.Should().HaveCount(1958);
        source.Summary.Invalid.Should().Be(1);
        source.Summary.Read.Should().Be(1959 + source.Summary.EndMarkers);

        var second = new KafkaCrimeSource(new KafkaCrimeSourceOptions { BootstrapServers = cluster.BootstrapServers, GroupId = "dead-letters-2", StopAtEnd = true });
        second.InvalidMessage += invalid.Add;
        await foreach (var _ in second.ReadAllAsync())
        {
        }

        invalid.Should().ContainSingle().Which.Should().Match<InvalidMessage>(m => m.Offset == 0 && m.Reason.StartsWith("not a crime report") && m.Value!.Length == 7);
    }

    [Fact]
    public async Task Deduplication_by_dr_number_drops_repeats()
    {
        using var cluster = new EmbeddedKafkaCluster();
        cluster.CreateTopic(KafkaDefaults.Topic, 2, 3);
        for (var i = 0; i < 2; i++)
        {
            using var sink = Sink(cluster);
            await KafkaTestData.ReplayInto(sink); // the same replay twice: every report repeated
        }

        var (consumed, source) = await KafkaTestData.ReadToEnd(cluster.BootstrapServers, "dedup", o => o.DeduplicateByDrNumber = true);
        consumed.Should().HaveCount(1958);
        source.Summary.Duplicates.Should().Be(1958);
    }
}
