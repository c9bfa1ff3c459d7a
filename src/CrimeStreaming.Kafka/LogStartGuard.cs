using Confluent.Kafka;
using Microsoft.Extensions.Logging;

namespace CrimeStreaming.Kafka;

/// <summary>
/// Counts what <c>auto.offset.reset</c> skips silently. The guard knows where each assigned partition should continue
/// (the group's committed offset, then one past the last message read); when the next message of a partition arrives
/// at a higher offset and the log now starts beyond the expected one, the messages in between were deleted (retention)
/// before they were read: they are counted exactly, logged and reported.
/// </summary>
/// <remarks>
/// A gap the log start does not explain (compaction, transaction markers) is not a loss and is not counted. A new group
/// (no committed offset) has lost nothing: it starts where the user's reset policy says.
/// </remarks>
internal sealed class LogStartGuard(ILogger logger, Action<LostMessages> onLost)
{
    private readonly Dictionary<int, long> _next = [];
    private long _lost;

    /// <summary>How long a broker outage may keep the committed offsets of newly assigned partitions from being read.</summary>
    public TimeSpan CommittedPatience { get; init; } = TimeSpan.FromSeconds(30);

    public long Lost => Interlocked.Read(ref _lost);

    /// <summary>
    /// Where newly assigned partitions start: at the group's committed offset, or, without one, where the consumer's
    /// reset policy says. Use as the result of the partitions-assigned handler.
    /// </summary>
    public IEnumerable<TopicPartitionOffset> Assigned<TKey, TValue>(IConsumer<TKey, TValue> consumer, IReadOnlyCollection<TopicPartition> partitions)
    {
        // Called as partitions are assigned, maybe during a broker outage: a transient error is asked again (the committed
        // offsets are what keeps a take-over from reading the partition from its start).
        var committed = KafkaRetry.Run(() => consumer.Committed(partitions, TimeSpan.FromSeconds(10)), "Reading the group's committed offsets", CommittedPatience, logger);
        foreach (var c in committed)
        {
            if (c.Offset.IsSpecial)
            {
                _next.Remove(c.Partition.Value);
            }
            else
            {
                _next[c.Partition.Value] = c.Offset.Value;
            }
        }

        return committed;
    }

    /// <summary>Sets where a partition continues when the consumer was told to start elsewhere than its committed offset.</summary>
    public void Expect(int partition, long offset) => _next[partition] = offset;

    /// <summary>Forgets revoked partitions: whoever gets them next starts from the committed offset.</summary>
    public void Revoked(IEnumerable<TopicPartitionOffset> partitions)
    {
        foreach (var p in partitions)
        {
            _next.Remove(p.Partition.Value);
        }
    }

    /// <summary>Notes a message read; counts a loss if it arrived beyond a gap that the log start explains.</summary>
    public void Read<TKey, TValue>(IConsumer<TKey, TValue> consumer, TopicPartition partition, long offset)
    {
        var key = partition.Partition.Value;
        if (_next.TryGetValue(key, out var expected) && offset > expected)
        {
            CheckGap(consumer, partition, expected, offset);
        }

        _next[key] = offset + 1;
    }

    private void CheckGap<TKey, TValue>(IConsumer<TKey, TValue> consumer, TopicPartition partition, long expected, long offset)
    {
        long low;
        try
        {
            low = consumer.QueryWatermarkOffsets(partition, TimeSpan.FromSeconds(10)).Low.Value;
        }
        catch (KafkaException e)
        {
            logger.LogWarning("Offsets {From} to {To} of partition {Partition} were skipped, and the log start could not be read to tell whether they were deleted: {Reason}", expected, offset - 1, partition.Partition.Value, e.Error.Reason);
            return;
        }

        if (low <= expected)
        {
            return; // compaction or transaction markers: nothing that existed was skipped unread
        }

        var lost = new LostMessages(partition.Partition.Value, expected, Math.Min(low, offset));
        Interlocked.Add(ref _lost, lost.Count);
        logger.LogError("Lost {Count} messages: {Lost}", lost.Count, lost);
        try
        {
            onLost(lost);
        }
        catch (Exception handlerError)
        {
            logger.LogError(handlerError, "A MessagesLost handler threw.");
        }
    }
}
