using Confluent.Kafka;
using CrimeStreaming.Kafka.Embedded;

namespace CrimeStreaming.Kafka.Tests.Integration;

/// <summary>Faults injected into the embedded cluster mid-stream: nothing lost, nothing duplicated, failures reported.</summary>
public class FaultTests
{
    private static async Task<(List<CrimeReport> Emitted, KafkaDeliverySummary Delivery, List<ConsumedCrimeReport> Consumed)> RunWith(Action<EmbeddedKafkaCluster, int> inject)
    {
        using var cluster = new EmbeddedKafkaCluster();
        cluster.CreateTopic(KafkaDefaults.Topic, 6, 3);
        List<CrimeReport> emitted;
        KafkaDeliverySummary delivery;
        using (var sink = new KafkaCrimeSink(new KafkaCrimeSinkOptions { BootstrapServers = cluster.BootstrapServers }))
        {
            emitted = await KafkaTestData.ReplayInto(sink, n => inject(cluster, n));
            delivery = sink.Summary;
        }

        var (consumed, _) = await KafkaTestData.ReadToEnd(cluster.BootstrapServers, "faults");
        return (emitted, delivery, consumed);
    }

    private static void NothingLostNothingDuplicated(List<CrimeReport> emitted, KafkaDeliverySummary delivery, List<ConsumedCrimeReport> consumed)
    {
        delivery.Should().Match<KafkaDeliverySummary>(s => s.Produced == 1958 && s.Delivered == 1958 && s.Failed == 0 && s.Pending == 0);
        consumed.Select(c => c.Report.Record.DrNumber).Should().OnlyHaveUniqueItems("no report may be duplicated");
        consumed.Select(c => c.Report).ToHashSet().SetEquals(emitted).Should().BeTrue("no report may be lost");
    }

    [Fact]
    public async Task A_broker_down_then_up_mid_stream_loses_and_duplicates_nothing()
    {
        var (emitted, delivery, consumed) = await RunWith((cluster, n) =>
        {
            if (n == 600)
            {
                cluster.SetBrokerDown(1);
                Thread.Sleep(500); // keep the broker down while the producer has reports in flight
            }

            if (n == 1300)
            {
                cluster.SetBrokerUp(1);
            }
        });
        NothingLostNothingDuplicated(emitted, delivery, consumed);
    }

    [Fact]
    public async Task Partition_leaders_moved_mid_stream_lose_and_duplicate_nothing()
    {
        var (emitted, delivery, consumed) = await RunWith((cluster, n) =>
        {
            if (n % 400 == 0)
            {
                for (var p = 0; p < 6; p++)
                {
                    cluster.SetPartitionLeader(KafkaDefaults.Topic, p, ((p + (n / 400)) % 3) + 1);
                }
            }
        });
        NothingLostNothingDuplicated(emitted, delivery, consumed);
    }

    [Fact]
    public async Task Retriable_produce_errors_are_retried_without_loss_or_duplicates()
    {
        var (emitted, delivery, consumed) = await RunWith((cluster, n) =>
        {
            if (n == 500 || n == 1500)
            {
                cluster.PushRequestErrors(KafkaApiKey.Produce, ErrorCode.NotEnoughReplicas, ErrorCode.RequestTimedOut, ErrorCode.NotLeaderForPartition,
                    ErrorCode.NotEnoughReplicasAfterAppend, ErrorCode.NotEnoughReplicas);
            }
        });
        NothingLostNothingDuplicated(emitted, delivery, consumed);
    }

    [Fact]
    public async Task A_non_retriable_error_fails_the_affected_reports_which_are_reported_and_the_rest_are_delivered()
    {
        var failures = new List<DeliveryFailure>();
        using var cluster = new EmbeddedKafkaCluster();
        cluster.CreateTopic(KafkaDefaults.Topic, 6, 3);
        List<CrimeReport> emitted;
        KafkaDeliverySummary delivery;
        using (var sink = new KafkaCrimeSink(new KafkaCrimeSinkOptions { BootstrapServers = cluster.BootstrapServers }))
        {
            sink.DeliveryFailed += f =>
            {
                lock (failures)
                {
                    failures.Add(f);
                }
            };
            emitted = await KafkaTestData.ReplayInto(sink, n =>
            {
                if (n == 1000)
                {
                    cluster.PushRequestErrors(KafkaApiKey.Produce, ErrorCode.InvalidRecord);
                }
            });
            delivery = sink.Summary;
        }

        var (consumed, _) = await KafkaTestData.ReadToEnd(cluster.BootstrapServers, "invalid-record");

        delivery.Failed.Should().BeGreaterThan(0);
        delivery.FailedByReason.Should().ContainKey(nameof(ErrorCode.InvalidRecord));
        (delivery.Delivered + delivery.Failed).Should().Be(1958);
        failures.Should().HaveCount((int)delivery.Failed);
        delivery.Failures.Select(f => f.Report).Should().BeEquivalentTo(failures.Select(f => f.Report));
        consumed.Should().HaveCount((int)delivery.Delivered);
        var failedReports = failures.Select(f => f.Report).ToHashSet();
        consumed.Select(c => c.Report).Should().NotContain(r => failedReports.Contains(r), "a failed report never reached the topic");
        consumed.Select(c => c.Report).Concat(failedReports).ToHashSet().SetEquals(emitted).Should().BeTrue("every report is either delivered or reported failed");
    }
}
