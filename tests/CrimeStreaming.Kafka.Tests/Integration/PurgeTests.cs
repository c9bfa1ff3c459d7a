using System.Text;
using Confluent.Kafka;
using CrimeStreaming.Kafka.Embedded;

namespace CrimeStreaming.Kafka.Tests.Integration;

/// <summary>
/// The embedded cluster deletes records on request, and a <see cref="CommittedRecordsPurger"/> deletes exactly what a group
/// has committed past: never a record above a commit, never a log start moved back.
/// </summary>
public class PurgeTests
{
    private const string Topic = "purged";
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    [Fact]
    public void Deleting_records_moves_the_log_start_and_keeps_every_record_after_it()
    {
        using var cluster = new EmbeddedKafkaCluster();
        cluster.CreateTopic(Topic, 1, 3);
        Produce(cluster, 0, 30);

        cluster.DeleteRecords(Topic, 0, 12);

        Watermarks(cluster, 0).Should().Be((12L, 30L));
        ReadFrom(cluster, 0, 12, 18).Should().Equal(Enumerable.Range(12, 18).Select(i => $"m{i}"));
        var beyondEnd = () => cluster.DeleteRecords(Topic, 0, 31);
        beyondEnd.Should().Throw<KafkaException>().Which.Error.Code.Should().Be(ErrorCode.OffsetOutOfRange);
        var noSuchPartition = () => cluster.DeleteRecords(Topic, 1, 0);
        noSuchPartition.Should().Throw<KafkaException>();
    }

    [Fact]
    public void The_purger_deletes_below_the_groups_commits_and_nothing_else()
    {
        using var cluster = new EmbeddedKafkaCluster();
        cluster.CreateTopic(Topic, 3, 3);
        Produce(cluster, 0, 30);
        Produce(cluster, 1, 10);
        Produce(cluster, 2, 10);
        Commit(cluster, "readers", (0, 20), (1, 0));
        Commit(cluster, "others", (2, 10)); // another group's commits are not followed

        using var purger = new CommittedRecordsPurger(cluster, Topic, "readers", TimeSpan.FromMilliseconds(10));
        WaitUntil(() => purger.Purged == 20, "partition 0 is purged up to its commit");

        Watermarks(cluster, 0).Should().Be((20L, 30L));
        ReadFrom(cluster, 0, 20, 10).Should().Equal(Enumerable.Range(20, 10).Select(i => $"m{i}"), "every record from the commit on is kept");

        // Later commits are followed; a commit at the start, none, or another group's, delete nothing.
        Commit(cluster, "readers", (0, 25));
        WaitUntil(() => purger.Purged == 25, "the newer commit is followed");
        var rounds = purger.Rounds;
        WaitUntil(() => purger.Rounds >= rounds + 3, "three more rounds");
        Watermarks(cluster, 0).Should().Be((25L, 30L));
        Watermarks(cluster, 1).Should().Be((0L, 10L));
        Watermarks(cluster, 2).Should().Be((0L, 10L));
        purger.FailedRounds.Should().Be(0);
    }

    [Fact]
    public void The_purger_never_moves_a_log_start_back_below_records_already_gone()
    {
        using var cluster = new EmbeddedKafkaCluster();
        cluster.CreateTopic(Topic, 1, 3);
        Produce(cluster, 0, 30);
        cluster.DeleteRecords(Topic, 0, 25); // as the cluster's own retention would
        Commit(cluster, "late", (0, 10));

        using var purger = new CommittedRecordsPurger(cluster, Topic, "late", TimeSpan.FromMilliseconds(10));
        WaitUntil(() => purger.Rounds >= 3, "three rounds");

        Watermarks(cluster, 0).Should().Be((25L, 30L), "a commit below the log start deletes nothing and restores nothing");
        purger.Purged.Should().Be(0);
    }

    [Fact]
    public void A_topic_that_does_not_exist_yet_fails_rounds_until_it_does()
    {
        using var cluster = new EmbeddedKafkaCluster();
        using var purger = new CommittedRecordsPurger(cluster, Topic, "early", TimeSpan.FromMilliseconds(10));
        WaitUntil(() => purger.FailedRounds >= 2, "rounds fail while the topic is missing");

        cluster.CreateTopic(Topic, 1, 3);
        Produce(cluster, 0, 5);
        Commit(cluster, "early", (0, 3));
        WaitUntil(() => purger.Purged == 3, "purged once the topic exists");
        Watermarks(cluster, 0).Should().Be((3L, 5L));
    }

    [Fact]
    public void A_disposed_purger_runs_no_more_rounds_and_may_be_disposed_again()
    {
        using var cluster = new EmbeddedKafkaCluster();
        cluster.CreateTopic(Topic, 1, 3);
        Produce(cluster, 0, 10);
        var purger = new CommittedRecordsPurger(cluster, Topic, "readers", TimeSpan.FromMilliseconds(10));
        WaitUntil(() => purger.Rounds >= 2, "the purger runs");

        purger.Dispose();
        var rounds = purger.Rounds + purger.FailedRounds;
        Commit(cluster, "readers", (0, 5));

        // A live purger of the same group is the clock: once it has run three rounds past the commit, a disposed one
        // still running would have acted too.
        using (var live = new CommittedRecordsPurger(cluster, Topic, "readers", TimeSpan.FromMilliseconds(10)))
        {
            WaitUntil(() => live.Rounds >= 3, "the live purger runs three rounds");
            live.Purged.Should().Be(5, "the live purger, not the disposed one, follows the commit");
        }

        (purger.Rounds + purger.FailedRounds).Should().Be(rounds, "Dispose stops the rounds and waits for the one in progress");
        purger.Purged.Should().Be(0);
        purger.Invoking(p => p.Dispose()).Should().NotThrow();
    }

    [Fact]
    public void Arguments_are_checked_up_front()
    {
        using var cluster = new EmbeddedKafkaCluster(1);
        FluentActions.Invoking(() => new CommittedRecordsPurger(null!, Topic, "g")).Should().Throw<ArgumentNullException>();
        FluentActions.Invoking(() => new CommittedRecordsPurger(cluster, "", "g")).Should().Throw<ArgumentException>();
        FluentActions.Invoking(() => new CommittedRecordsPurger(cluster, Topic, "")).Should().Throw<ArgumentException>();
        FluentActions.Invoking(() => new CommittedRecordsPurger(cluster, Topic, "g", TimeSpan.Zero)).Should().Throw<ArgumentOutOfRangeException>();
        FluentActions.Invoking(() => cluster.DeleteRecords(Topic, -1, 0)).Should().Throw<ArgumentOutOfRangeException>();
        FluentActions.Invoking(() => cluster.DeleteRecords(Topic, 0, -1)).Should().Throw<ArgumentOutOfRangeException>();
    }

    private static void Produce(EmbeddedKafkaCluster cluster, int partition, int count)
    {
        // One message set per message (each flushed), so that deleting can free the sets wholly before the new start.
        using var producer = new ProducerBuilder<Null, string>(new ProducerConfig { BootstrapServers = cluster.BootstrapServers, LingerMs = 0 }).Build();
        for (var i = 0; i < count; i++)
        {
            producer.Produce(new TopicPartition(Topic, partition), new Message<Null, string> { Value = $"m{i}" });
            producer.Flush(Patience);
        }
    }

    private static void Commit(EmbeddedKafkaCluster cluster, string group, params (int Partition, long Offset)[] offsets)
    {
        using var consumer = new ConsumerBuilder<Ignore, Ignore>(new ConsumerConfig { BootstrapServers = cluster.BootstrapServers, GroupId = group }).Build();
        consumer.Commit(offsets.Select(o => new TopicPartitionOffset(Topic, o.Partition, o.Offset)));
    }

    private static (long Low, long High) Watermarks(EmbeddedKafkaCluster cluster, int partition)
    {
        using var consumer = new ConsumerBuilder<Ignore, Ignore>(new ConsumerConfig { BootstrapServers = cluster.BootstrapServers, GroupId = "watermarks" }).Build();
        var w = consumer.QueryWatermarkOffsets(new TopicPartition(Topic, partition), Patience);
        return (w.Low.Value, w.High.Value);
    }

    private static List<string> ReadFrom(EmbeddedKafkaCluster cluster, int partition, long offset, int count)
    {
        using var consumer = new ConsumerBuilder<Ignore, byte[]>(new ConsumerConfig { BootstrapServers = cluster.BootstrapServers, GroupId = "reader", EnableAutoCommit = false }).Build();
        consumer.Assign(new TopicPartitionOffset(Topic, partition, offset));
        var values = new List<string>();
        using var timeout = new CancellationTokenSource(Patience);
        while (values.Count < count)
        {
            values.Add(Encoding.UTF8.GetString(consumer.Consume(timeout.Token).Message.Value));
        }

        consumer.Close();
        return values;
    }

    private static void WaitUntil(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (!condition())
        {
            DateTime.UtcNow.Should().BeBefore(deadline, $"{what} within {Patience.TotalSeconds} s");
            Thread.Sleep(5);
        }
    }
}
