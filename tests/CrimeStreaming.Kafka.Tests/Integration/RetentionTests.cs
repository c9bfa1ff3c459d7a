using Confluent.Kafka;
using CrimeStreaming.Csv;
using CrimeStreaming.Kafka.Embedded;

namespace CrimeStreaming.Kafka.Tests.Integration;

/// <summary>
/// The embedded cluster keeps only the last 5 MiB of a partition: the sink's lag limit keeps the producer within what the
/// slowest consumer can still read, and a consumer that fell behind the log start counts exactly what it lost.
/// </summary>
public class RetentionTests
{
    private const int Reports = 20_000; // ~13 MB in one partition: more than twice what the embedded cluster keeps

    [Fact]
    public async Task A_lag_limited_replay_of_far_more_than_a_partition_keeps_loses_nothing()
    {
        using var cluster = new EmbeddedKafkaCluster();
        cluster.CreateTopic(KafkaDefaults.Topic, 1, 3);
        var source = new KafkaCrimeSource(new KafkaCrimeSourceOptions
        {
            BootstrapServers = cluster.BootstrapServers,
            GroupId = "lagging",
            StopAtEndOfStream = true,
            CommitInterval = TimeSpan.FromMilliseconds(100),
        });
        var options = new KafkaCrimeSinkOptions
        {
            BootstrapServers = cluster.BootstrapServers,
            ConsumerLagLimit = new ConsumerLagLimit { GroupId = "lagging", MaxMessagesPerPartition = 3_000 },
        };

        KafkaDeliverySummary delivery;
        using (var sink = new KafkaCrimeSink(options))
        {
            // The producer starts alone: it may run 3,000 messages ahead, then waits for the group to commit.
            var produce = Task.Run(() => Produce(sink, Reports));
            await Task.Delay(500);
            var consumed = 0;
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(120));
            await foreach (var report in source.ReadAllAsync(timeout.Token))
            {
                consumed++;
            }

            await produce;
            delivery = sink.Summary;
            consumed.Should().Be(Reports);
        }

        delivery.Delivered.Should().Be(Reports);
        delivery.LagWaits.Should().BePositive("the producer had to wait for the consumer");
        delivery.LagWaitTime.Should().BePositive("each wait is timed");
        delivery.MaxConsumerLag.Should().BeLessThanOrEqualTo(3_000);
        source.Summary.Lost.Should().Be(0);
        LowWatermark(cluster).Should().BePositive("the partition's oldest messages were deleted: the run went beyond retention, and still nothing was lost");
    }

    [Fact]
    public async Task The_shards_of_a_replay_share_one_lag_limit_and_together_stay_within_it()
    {
        // Three shards write into one partition. Each sees the others' messages only when it next reads the cluster's end
        // offsets, so a limit that each took whole would let the three of them run up to 3 × 4,000 messages ahead: more
        // than the ~8,000 the embedded cluster keeps of a partition. Each takes a third of it instead.
        const int Limit = 4_000;
        const int PerShard = 6_000;
        using var cluster = new EmbeddedKafkaCluster();
        cluster.CreateTopic(KafkaDefaults.Topic, 1, 3);
        using (var group = new ConsumerBuilder<Ignore, Ignore>(new ConsumerConfig { BootstrapServers = cluster.BootstrapServers, GroupId = "sharing" }).Build())
        {
            // The group has read nothing yet: its position is the partition's first offset.
            group.Commit([new TopicPartitionOffset(KafkaDefaults.Topic, 0, 0)]);
        }

        var sinks = Enumerable.Range(1, 3).Select(i => new KafkaCrimeSink(new KafkaCrimeSinkOptions
        {
            BootstrapServers = cluster.BootstrapServers,
            Shard = new ReplayShard(i, 3),
            ConsumerLagLimit = new ConsumerLagLimit { GroupId = "sharing", MaxMessagesPerPartition = Limit },
        })).ToList();
        try
        {
            var producing = sinks.Select(sink => Task.Run(() => Produce(sink, PerShard))).ToList();

            // No consumer yet: every shard runs into its share of the limit and waits there.
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(120));
            while (sinks.Any(s => s.Summary is { LagWaits: 0 } or { Pending: > 0 }))
            {
                producing.Should().OnlyContain(t => !t.IsCompleted, "no shard can finish before the group reads");
                await Task.Delay(20, timeout.Token);
            }

            var held = Watermarks(cluster);
            held.Low.Value.Should().Be(0, "nothing was deleted: the shards together stayed within what the partition keeps");
            held.High.Value.Should().Be(sinks.Sum(s => s.Summary.Delivered)).And.BeLessThanOrEqualTo(Limit, "the three shares add up to the limit");
            sinks.Should().OnlyContain(s => s.Summary.Delivered > 0, "each shard had its share");

            var source = new KafkaCrimeSource(new KafkaCrimeSourceOptions
            {
                BootstrapServers = cluster.BootstrapServers,
                GroupId = "sharing",
                StopAtEndOfStream = true,
                CommitInterval = TimeSpan.FromMilliseconds(100),
            });
            var consumed = 0;
            await foreach (var report in source.ReadAllAsync(timeout.Token))
            {
                consumed++;
            }

            await Task.WhenAll(producing);
            consumed.Should().Be(3 * PerShard);
            source.Summary.Lost.Should().Be(0);
            sinks.Should().OnlyContain(s => s.Summary.Delivered == PerShard && s.Summary.MaxConsumerLag <= Limit);
            LowWatermark(cluster).Should().BePositive("the run went beyond retention, and still nothing was lost");
        }
        finally
        {
            sinks.ForEach(s => s.Dispose());
        }
    }

    [Fact]
    public async Task A_consumer_whose_position_was_deleted_counts_exactly_what_it_lost()
    {
        using var cluster = new EmbeddedKafkaCluster();
        cluster.CreateTopic(KafkaDefaults.Topic, 1, 3);
        var options = new KafkaCrimeSinkOptions { BootstrapServers = cluster.BootstrapServers, WriteEndOfStream = false };
        using (var sink = new KafkaCrimeSink(options))
        {
            await Produce(sink, 1_000);
        }

        var (first, _) = await KafkaTestData.ReadToEnd(cluster.BootstrapServers, "behind", o => o.MaxReports = 1_000);
        first.Should().HaveCount(1_000);

        // The group stays at offset 1,000 while the partition grows far beyond what the cluster keeps.
        using (var sink = new KafkaCrimeSink(options))
        {
            await Produce(sink, Reports);
            sink.Summary.Delivered.Should().Be(Reports);
        }

        Watermarks(cluster).High.Value.Should().Be(1_000 + Reports);
        var low = LowWatermark(cluster);
        low.Should().BeGreaterThan(1_000);
        var lost = new List<LostMessages>();
        var source = new KafkaCrimeSource(new KafkaCrimeSourceOptions { BootstrapServers = cluster.BootstrapServers, GroupId = "behind", StopAtEnd = true });
        source.MessagesLost += lost.Add;
        var rest = 0;
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await foreach (var report in source.ReadAllAsync(timeout.Token))
        {
            rest++;
        }

        lost.Should().Equal(new LostMessages(0, 1_000, low));
        source.Summary.Lost.Should().Be(low - 1_000);
        (1_000 + source.Summary.Lost + rest).Should().Be(1_000 + Reports, "read before + lost + read after = everything produced");
    }

    [Fact]
    public async Task A_new_group_starts_at_the_log_start_without_counting_a_loss()
    {
        using var cluster = new EmbeddedKafkaCluster();
        cluster.CreateTopic(KafkaDefaults.Topic, 1, 3);
        using (var sink = new KafkaCrimeSink(new KafkaCrimeSinkOptions { BootstrapServers = cluster.BootstrapServers }))
        {
            await Produce(sink, Reports);
        }

        var low = LowWatermark(cluster);
        var (read, source) = await KafkaTestData.ReadToEnd(cluster.BootstrapServers, "fresh");
        read.Should().HaveCount((int)(Reports - low));
        source.Summary.Lost.Should().Be(0, "a group that never read the partition lost nothing: it starts where the log starts");
    }

    private static async Task Produce(KafkaCrimeSink sink, int count)
    {
        var records = new CsvCrimeRecordSource(KafkaTestData.Sample2020).Read(new RecordReadContext(new ReadStatistics()), CancellationToken.None).ToList();
        var start = DateTimeOffset.Parse("2024-01-01T00:00:00-08:00", System.Globalization.CultureInfo.InvariantCulture);
        for (var i = 0; i < count; i++)
        {
            await sink.WriteAsync(new CrimeReport(records[i % records.Count], start.AddMinutes(i), 1), CancellationToken.None);
        }

        await sink.CompleteAsync(null, CancellationToken.None);
    }

    private static long LowWatermark(EmbeddedKafkaCluster cluster) => Watermarks(cluster).Low.Value;

    private static WatermarkOffsets Watermarks(EmbeddedKafkaCluster cluster)
    {
        using var consumer = new ConsumerBuilder<Ignore, Ignore>(new ConsumerConfig { BootstrapServers = cluster.BootstrapServers, GroupId = "watermarks" }).Build();
        return consumer.QueryWatermarkOffsets(new TopicPartition(KafkaDefaults.Topic, 0), TimeSpan.FromSeconds(10));
    }
}
