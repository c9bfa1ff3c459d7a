using Confluent.Kafka;

namespace CrimeStreaming.Kafka.Embedded;

/// <summary>
/// Deletes the records of a topic on an <see cref="EmbeddedKafkaCluster"/> that a consumer group has committed past, as
/// Kafka Streams purges its repartition topics once it has committed them: the embedded brokers keep their logs in this
/// process's memory, and a group never reads its committed records again (a member that takes a partition over starts
/// at the commit).
/// </summary>
/// <remarks>
/// <para>Only for a topic this group alone reads: another group, or a reader from the beginning, finds the records
/// deleted. (It would find only the last ~5 MiB of each partition anyway.)</para>
/// <para>Every <c>interval</c> a consumer that never joins the group reads the group's committed offsets and the
/// partitions' log starts, and moves each log start up to the commit, never back. A round that fails (a broker down, the
/// topic not created yet) is skipped and counted in <see cref="FailedRounds"/>. Dispose it before the cluster.</para>
/// </remarks>
public sealed class CommittedRecordsPurger : IDisposable
{
    private static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(5);
    private readonly EmbeddedKafkaCluster _cluster;
    private readonly TimeSpan _interval;
    private readonly IConsumer<Ignore, Ignore> _consumer;
    private readonly CancellationTokenSource _stop = new();
    private readonly Thread _thread;
    private List<TopicPartition>? _partitions;
    private long _purged;
    private long _rounds;
    private long _failedRounds;
    private bool _disposed;

    /// <summary>Starts purging <paramref name="topic"/> below the offsets <paramref name="groupId"/> has committed.</summary>
    /// <param name="cluster">The cluster holding the topic.</param>
    /// <param name="topic">The topic, read by <paramref name="groupId"/> alone.</param>
    /// <param name="groupId">The consumer group whose commits say what may go.</param>
    /// <param name="interval">How often the commits are read. The default value is 100 milliseconds.</param>
    public CommittedRecordsPurger(EmbeddedKafkaCluster cluster, string topic, string groupId, TimeSpan? interval = null)
    {
        ArgumentNullException.ThrowIfNull(cluster);
        ArgumentException.ThrowIfNullOrEmpty(topic);
        ArgumentException.ThrowIfNullOrEmpty(groupId);
        _interval = interval ?? TimeSpan.FromMilliseconds(100);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(_interval, TimeSpan.Zero, nameof(interval));
        _cluster = cluster;
        Topic = topic;
        GroupId = groupId;

        // Only reads the group's commits: it never subscribes, so it never joins the group.
        _consumer = new ConsumerBuilder<Ignore, Ignore>(new ConsumerConfig
        {
            BootstrapServers = cluster.BootstrapServers,
            GroupId = groupId,
            EnableAutoCommit = false,
            ClientId = "crimestreaming-purger",
        })
            .SetLogHandler((_, _) => { }) // a broker down is a skipped round, not console noise
            .Build();
        _thread = new Thread(Run) { IsBackground = true, Name = $"purge {topic} below {groupId}'s commits" };
        _thread.Start();
    }

    /// <summary>The topic purged.</summary>
    public string Topic { get; }

    /// <summary>The group whose commits are followed.</summary>
    public string GroupId { get; }

    /// <summary>How many records were deleted so far, over all partitions.</summary>
    public long Purged => Interlocked.Read(ref _purged);

    /// <summary>Rounds that failed and were skipped (a broker down, the topic not created yet).</summary>
    internal long FailedRounds => Interlocked.Read(ref _failedRounds);

    /// <summary>Rounds completed, failed ones included.</summary>
    internal long Rounds => Interlocked.Read(ref _rounds);

    /// <summary>Stops purging and waits for a round in progress.</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        _stop.Cancel();
        _thread.Join();
        _consumer.Dispose();
        _stop.Dispose();
    }

    private void Run()
    {
        while (!_stop.Token.WaitHandle.WaitOne(_interval))
        {
            try
            {
                PurgeOnce();
            }
            catch (KafkaException)
            {
                Interlocked.Increment(ref _failedRounds);
            }
            catch (ObjectDisposedException)
            {
                return; // the cluster went first
            }

            Interlocked.Increment(ref _rounds);
        }
    }

    private void PurgeOnce()
    {
        _partitions ??= Partitions();
        foreach (var committed in _consumer.Committed(_partitions, RequestTimeout))
        {
            if (committed.Offset.IsSpecial || _stop.IsCancellationRequested)
            {
                continue; // nothing committed yet
            }

            // Forward only: the mock would also move a log start back, over offsets it no longer holds.
            var start = _consumer.QueryWatermarkOffsets(committed.TopicPartition, RequestTimeout).Low.Value;
            if (committed.Offset.Value > start)
            {
                _cluster.DeleteRecords(Topic, committed.Partition.Value, committed.Offset.Value);
                Interlocked.Add(ref _purged, committed.Offset.Value - start);
            }
        }
    }

    private List<TopicPartition> Partitions()
    {
        using var admin = new DependentAdminClientBuilder(_consumer.Handle).Build();
        var topic = admin.GetMetadata(Topic, RequestTimeout).Topics.SingleOrDefault(t => t.Topic == Topic);
        if (topic is null || topic.Error.IsError || topic.Partitions.Count == 0)
        {
            throw new KafkaException(topic?.Error ?? new Error(ErrorCode.UnknownTopicOrPart, $"topic {Topic} not found"));
        }

        return topic.Partitions.Select(p => new TopicPartition(Topic, p.PartitionId)).OrderBy(p => p.Partition.Value).ToList();
    }
}
