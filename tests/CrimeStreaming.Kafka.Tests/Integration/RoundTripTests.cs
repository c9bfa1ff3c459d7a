using System.Reactive.Threading.Tasks;
using Confluent.Kafka;
using CrimeStreaming.Kafka.Embedded;

namespace CrimeStreaming.Kafka.Tests.Integration;

/// <summary>The real sample through a 3-broker cluster (RF 3) over the Kafka wire protocol on loopback, and back.</summary>
public class RoundTripTests
{
    private static KafkaCrimeSink Sink(EmbeddedKafkaCluster cluster) => new(new KafkaCrimeSinkOptions { BootstrapServers = cluster.BootstrapServers });

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
        using var cluster = new EmbeddedKafkaCluster();
        cluster.CreateTopic(KafkaDefaults.Topic, 4, 3);
        using (var sink = Sink(cluster))
        {
            await KafkaTestData.ReplayInto(sink);
        }

        var (first, _) = await KafkaTestData.ReadToEnd(cluster.BootstrapServers, "restart", o => o.MaxReports = 700);
        var (rest, _) = await KafkaTestData.ReadToEnd(cluster.BootstrapServers, "restart");

        first.Should().HaveCount(700);
        rest.Should().HaveCount(1958 - 700, "the second consumer starts where the first one committed");
        first.Concat(rest).Select(c => c.Report.Record.DrNumber).Should().OnlyHaveUniqueItems().And.HaveCount(1958);
    }

    [Fact]
    public async Task The_source_is_an_async_enumerable_and_an_observable_of_reports_like_the_sink_is_a_report_sink()
    {
        using var cluster = new EmbeddedKafkaCluster();
        cluster.CreateTopic(KafkaDefaults.Topic, 3, 3);
        using (var sink = Sink(cluster))
        {
            await KafkaTestData.ReplayInto(sink);
        }

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
