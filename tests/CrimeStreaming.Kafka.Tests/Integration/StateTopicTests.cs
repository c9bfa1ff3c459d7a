using Confluent.Kafka;
using CrimeStreaming.Kafka.Analysis;
using CrimeStreaming.Kafka.Embedded;
using CrimeStreaming.ScaleOut;
using Microsoft.Extensions.Logging.Abstractions;

namespace CrimeStreaming.Kafka.Tests.Integration;

/// <summary>
/// The state topic on the embedded cluster: restoring reads the newest states only, whatever the topic's history;
/// foreign and corrupt messages are skipped and counted; the group's settings are enforced; wrong topic layouts refused.
/// </summary>
public class StateTopicTests
{
    private const string Results = "state-test-windows";

    [Fact]
    public void Restoring_reads_a_partitions_newest_states_only_however_long_its_history()
    {
        using var cluster = KafkaTestData.AnalysisCluster(Results, partitions: 2);
        var options = KafkaTestData.AnalysisOptions(cluster, Results);
        var settings = AnalysisSettings.Of(options, 2);
        Produce(cluster, Enumerable.Range(1, 50).Select(i => (0, Valid(settings, 0, i))));
        Produce(cluster, Enumerable.Range(1, 3000).Select(i => (1, Valid(settings, 1, i))));

        using var reader = new StateTopicReader(options, options.StateTopicName, 2, NullLogger.Instance);
        reader.CatchUp([0, 1], TimeSpan.FromSeconds(30), CancellationToken.None).Should().BeTrue();

        reader.Latest(0)!.Snapshot!.NextOffset.Should().Be(50);
        reader.Latest(1)!.Snapshot!.NextOffset.Should().Be(3000);
        reader.GroupSettings.Should().Be(settings);
        reader.MessagesRead.Should().Be(2 * StateTopicReader.TailLength, "a short history and one 60 times longer cost the same to restore");
        reader.ForeignMessages.Should().Be(0);
    }

    [Fact]
    public void Foreign_and_corrupt_state_messages_are_skipped_and_counted_once_and_a_tail_without_state_is_read_from_the_start()
    {
        using var cluster = KafkaTestData.AnalysisCluster(Results, partitions: 2);
        var options = KafkaTestData.AnalysisOptions(cluster, Results);
        var settings = AnalysisSettings.Of(options, 2);
        var garbage = new Message<byte[], byte[]> { Value = "not a state"u8.ToArray() };
        var otherPartitions = Valid(settings, 1, 7); // a state of partition 1 on partition 0
        Produce(cluster, [(0, Valid(settings, 0, 5)), .. Enumerable.Range(0, 39).Select(_ => (0, garbage)), (0, otherPartitions)]);

        using var reader = new StateTopicReader(options, options.StateTopicName, 2, NullLogger.Instance);
        reader.CatchUp([0, 1], TimeSpan.FromSeconds(30), CancellationToken.None).Should().BeTrue();

        reader.Latest(0)!.Snapshot!.NextOffset.Should().Be(5, "the newest valid state, found by reading the partition from its start");
        reader.Latest(1).Should().BeNull("partition 1 has no state of its own");
        reader.ForeignMessages.Should().Be(40, "39 corrupt messages and one state of another partition, each counted once");
        reader.MessagesRead.Should().Be(StateTopicReader.TailLength + 41);
    }

    [Fact]
    public void An_instances_own_states_are_read_back_without_decoding_until_a_restore_asks_and_anothers_are_decoded()
    {
        using var cluster = KafkaTestData.AnalysisCluster(Results, partitions: 2);
        var options = KafkaTestData.AnalysisOptions(cluster, Results);
        var settings = AnalysisSettings.Of(options, 2);
        var mine = new OwnStates();
        var another = new OwnStates();

        // Partition 0: this instance's states, the newest ended; then, on partition 1, another instance's ended state and
        // one of ours whose message is damaged after it was marked (what the reader would decode only if asked).
        var states = Enumerable.Range(1, 5).Select(i => Marked(mine, settings, 0, i, ended: i == 5)).ToList();
        var theirs = Marked(another, settings, 1, 9, ended: true);
        var damaged = Marked(mine, settings, 1, 12, ended: false);
        damaged.Value = "not a state"u8.ToArray();
        Produce(cluster, [.. states.Select(m => (0, m)), (1, theirs)]);

        using var reader = new StateTopicReader(options, options.StateTopicName, 2, NullLogger.Instance, mine);
        reader.CatchUp([0, 1], TimeSpan.FromSeconds(30), CancellationToken.None).Should().BeTrue();
        mine.Pending.Should().Be(1, "the five states read back were taken from what the instance wrote; the damaged one is not on the topic yet");
        another.Pending.Should().Be(1, "another instance's states are not this reader's to take");
        reader.IsComplete.Should().BeTrue("both partitions' newest states have ended, ours known without decoding");
        reader.GroupSettings.Should().Be(settings);

        Produce(cluster, [(1, damaged)]);
        reader.CatchUp([0, 1], TimeSpan.FromSeconds(30), CancellationToken.None).Should().BeTrue();
        reader.IsComplete.Should().BeFalse("partition 1's newest state is ours, not ended");
        reader.Latest(0)!.Snapshot!.NextOffset.Should().Be(5, "decoded when asked");
        reader.Latest(0)!.Snapshot!.IsEnded.Should().BeTrue();
        reader.ForeignMessages.Should().Be(0);
        reader.Latest(1).Should().BeNull("ours, newest, but unreadable once decoded: skipped and counted");
        reader.ForeignMessages.Should().Be(1);
    }

    [Fact]
    public async Task A_member_with_other_settings_is_refused_naming_them_and_one_that_asks_nothing_adopts_the_groups()
    {
        using var cluster = KafkaTestData.AnalysisCluster(Results, partitions: 2);
        var options = KafkaTestData.AnalysisOptions(cluster, Results);
        options.AllowedDisorder = TimeSpan.FromHours(1);
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var first = new KafkaWindowAnalyser(options);
        var running = first.RunAsync(stop.Token);
        while (first.Settings is null)
        {
            running.IsCompleted.Should().BeFalse();
            await Task.Delay(20, stop.Token);
        }

        var other = KafkaTestData.AnalysisOptions(cluster, Results);
        other.AllowedDisorder = TimeSpan.FromHours(2);
        other.Top = 3;
        var refused = await FluentActions.Awaiting(() => new KafkaWindowAnalyser(other).RunAsync(stop.Token)).Should().ThrowAsync<GroupSettingsException>();
        refused.Which.Message.Should().Contain("AllowedDisorder: the group's 3,600 s, this member's 7,200 s").And.Contain("Top: the group's 5, this member's 3");
        (await KafkaWindowAnalyser.ReadGroupSettingsAsync(other, cancellationToken: stop.Token)).Should().Be(first.Settings);

        other.AdoptGroupSettings = true;
        var adopting = new KafkaWindowAnalyser(other);
        var joined = adopting.RunAsync(stop.Token);
        while (adopting.Settings is null)
        {
            joined.IsCompleted.Should().BeFalse();
            await Task.Delay(20, stop.Token);
        }

        adopting.Settings.Should().Be(first.Settings);
        adopting.Options.AllowedDisorder.Should().Be(TimeSpan.FromHours(1));
        adopting.Options.Top.Should().Be(5);
        await stop.CancelAsync();
        await Task.WhenAll(running, joined).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing | ConfigureAwaitOptions.ContinueOnCapturedContext);
    }

    [Fact]
    public async Task A_results_topic_with_several_partitions_or_a_state_topic_of_another_width_is_refused_before_any_work()
    {
        using var cluster = new EmbeddedKafkaCluster();
        cluster.CreateTopic(KafkaDefaults.Topic, 3, 3);
        cluster.CreateTopic(Results, 2, 3);
        cluster.CreateTopic(Results + "-state", 3, 3);
        cluster.CreateTopic("narrow-windows", 1, 3);
        cluster.CreateTopic("narrow-windows-state", 2, 3);

        var wide = await FluentActions.Awaiting(() => new KafkaWindowAnalyser(KafkaTestData.AnalysisOptions(cluster, Results)).RunAsync()).Should().ThrowAsync<KafkaException>();
        wide.Which.Message.Should().Be($"results topic {Results} has 2 partitions; it needs exactly 1 (its order puts each partition's progress after its partials)");

        var options = KafkaTestData.AnalysisOptions(cluster, Results);
        options.ResultsTopic = "narrow-windows";
        var narrow = await FluentActions.Awaiting(() => new KafkaWindowAnalyser(options).RunAsync()).Should().ThrowAsync<KafkaException>();
        narrow.Which.Message.Should().Be($"state topic narrow-windows-state has 2 partitions; it needs one per partition of {KafkaDefaults.Topic} (3)");
    }

    private static Message<byte[], byte[]> Valid(AnalysisSettings settings, int partition, long nextOffset) =>
        StateRecordCodec.Encode(new StateRecord(settings, new PartitionSnapshot(partition, nextOffset, null, [null], [false], nextOffset, 0, []), []), new AnalysisRegistry([WindowedAnalysis.CrimeSnapshot([1, 6, 12])]));

    private static Message<byte[], byte[]> Marked(OwnStates writer, AnalysisSettings settings, int partition, long nextOffset, bool ended)
    {
        var record = new StateRecord(settings, new PartitionSnapshot(partition, nextOffset, null, [null], [ended], nextOffset, 0, []), []);
        var message = StateRecordCodec.Encode(record, new AnalysisRegistry([WindowedAnalysis.CrimeSnapshot([1, 6, 12])]));
        message.Headers.Add(writer.Mark(record));
        return message;
    }

    private static void Produce(EmbeddedKafkaCluster cluster, IEnumerable<(int Partition, Message<byte[], byte[]> Message)> messages)
    {
        using var producer = new ProducerBuilder<byte[], byte[]>(new ProducerConfig { BootstrapServers = cluster.BootstrapServers, LingerMs = 5 }).Build();
        foreach (var (partition, message) in messages)
        {
            producer.Produce(new TopicPartition(Results + "-state", partition), message);
        }

        producer.Flush(TimeSpan.FromSeconds(30)).Should().Be(0);
    }
}
