using System.Diagnostics;
using Confluent.Kafka;
using CrimeStreaming.Kafka.Embedded;

namespace CrimeStreaming.Kafka.Tests.Integration;

/// <summary>Edge cases: nothing to read, oversized reports, faulty callbacks, a cancelled flush.</summary>
public class RobustnessTests
{
    private static readonly CrimeReport Report = new(
        new CrimeRecord
        {
            DrNumber = "200100501",
            DateOccurred = new DateOnly(2020, 1, 1),
            TimeOccurred = new TimeOnly(0, 30),
            AreaId = "01",
            AreaName = "Central",
            CrimeCode = "230",
            CrimeDescription = "ASSAULT WITH DEADLY WEAPON, AGGRAVATED ASSAULT",
        },
        new DateTimeOffset(2020, 1, 1, 1, 15, 0, TimeSpan.FromHours(-8)),
        1);

    [Fact]
    public async Task The_idle_timeout_ends_a_read_of_an_empty_topic()
    {
        using var cluster = new EmbeddedKafkaCluster();
        cluster.CreateTopic(KafkaDefaults.Topic, 2, 3);
        var source = new KafkaCrimeSource(new KafkaCrimeSourceOptions
        {
            BootstrapServers = cluster.BootstrapServers,
            GroupId = "idle",
            IdleTimeout = TimeSpan.FromMilliseconds(500),
        });

        var clock = Stopwatch.StartNew();
        using var guard = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var count = 0;
        await foreach (var _ in source.ReadAllAsync(guard.Token))
        {
            count++;
        }

        count.Should().Be(0);
        guard.IsCancellationRequested.Should().BeFalse("the idle timeout, not the guard, ends the read");
        clock.Elapsed.Should().BeGreaterThanOrEqualTo(TimeSpan.FromMilliseconds(500));
    }

    [Fact]
    public void A_non_positive_idle_timeout_is_rejected() =>
        FluentActions.Invoking(() => new KafkaCrimeSourceOptions { BootstrapServers = "x:9092", IdleTimeout = TimeSpan.Zero }.Validate())
            .Should().Throw<ArgumentException>().WithParameterName(nameof(KafkaCrimeSourceOptions.IdleTimeout));

    [Fact]
    public async Task A_report_rejected_locally_is_a_reported_failure_and_a_throwing_handler_breaks_nothing()
    {
        using var cluster = new EmbeddedKafkaCluster();
        cluster.CreateTopic(KafkaDefaults.Topic, 2, 3);
        var big = Report with { Record = Report.Record with { DrNumber = "200100502", MoCodes = new string('9', 20_000) } };
        var raised = new List<DeliveryFailure>();
        using var sink = new KafkaCrimeSink(new KafkaCrimeSinkOptions
        {
            BootstrapServers = cluster.BootstrapServers,
            Configure = c => c.MessageMaxBytes = 10_000,
        });
        sink.DeliveryFailed += f =>
        {
            lock (raised)
            {
                raised.Add(f);
            }

            throw new InvalidOperationException("a faulty subscriber");
        };

        await sink.WriteAsync(Report, CancellationToken.None);
        await sink.WriteAsync(big, CancellationToken.None);
        await sink.CompleteAsync(null, CancellationToken.None);

        var summary = sink.Summary;
        summary.Produced.Should().Be(2);
        summary.Delivered.Should().Be(1);
        summary.Failed.Should().Be(1);
        summary.Failures.Should().ContainSingle().Which.Report.Should().Be(big);
        summary.FailedByReason.Should().ContainKey(nameof(ErrorCode.MsgSizeTooLarge));
        raised.Should().ContainSingle().Which.Code.Should().Be(ErrorCode.MsgSizeTooLarge);
    }

    [Fact]
    public async Task A_cancelled_flush_returns_promptly_and_leaves_the_reports_pending()
    {
        using var cluster = new EmbeddedKafkaCluster();
        cluster.CreateTopic(KafkaDefaults.Topic, 1, 3);
        cluster.SetBrokerDown(1);
        cluster.SetBrokerDown(2);
        cluster.SetBrokerDown(3);
        using var sink = new KafkaCrimeSink(new KafkaCrimeSinkOptions { BootstrapServers = cluster.BootstrapServers });
        await sink.WriteAsync(Report, CancellationToken.None);

        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));
        var clock = Stopwatch.StartNew();
        await sink.CompleteAsync(null, cancel.Token);

        clock.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(10), "the flush honours the token instead of the 2-minute flush timeout");
        sink.Summary.Should().Match<KafkaDeliverySummary>(s => s.Produced == 1 && s.Delivered == 0);
    }
}
