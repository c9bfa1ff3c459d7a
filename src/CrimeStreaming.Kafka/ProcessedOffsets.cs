using Confluent.Kafka;
using Microsoft.Extensions.Logging;

namespace CrimeStreaming.Kafka;

/// <summary>
/// The positions after the last processed message of each partition, handed to librdkafka's offset store in batches
/// rather than with one native call per message.
/// </summary>
/// <remarks>
/// <para>Storing an offset through Confluent.Kafka builds a native partition list and marshals the topic name on every
/// call: a cost of the same order as consuming the message. Only the newest position of a partition matters, so
/// positions are kept here and stored at most <see cref="MaxPending"/> messages or <see cref="MaxDelay"/> later, and
/// always before a commit (<see cref="Store"/> is called before every explicit commit; automatic commits see
/// positions at most that much older). At least once is unchanged: only processed positions are ever stored.</para>
/// <para>Not thread-safe: used by the consumer loop's thread (and librdkafka's rebalance callbacks, which run on it).</para>
/// </remarks>
internal sealed class ProcessedOffsets(string topic, ILogger logger)
{
    /// <summary>Messages processed before their positions are stored.</summary>
    public const int MaxPending = 1_000;

    /// <summary>How long a processed position may wait before it is stored.</summary>
    public static readonly TimeSpan MaxDelay = TimeSpan.FromMilliseconds(100);

    private readonly Dictionary<int, long> _next = [];
    private int _pending;
    private long _oldestPending;

    /// <summary>The message at <paramref name="offset"/> of <paramref name="partition"/> was processed.</summary>
    public void Processed<TKey, TValue>(IConsumer<TKey, TValue> consumer, int partition, long offset)
    {
        _next[partition] = offset + 1;
        if (_pending++ == 0)
        {
            _oldestPending = Environment.TickCount64;
        }

        if (_pending >= MaxPending)
        {
            Store(consumer);
        }
    }

    /// <summary>Stores the pending positions if the oldest has waited <see cref="MaxDelay"/> (call it when idle too).</summary>
    public void StoreIfDue<TKey, TValue>(IConsumer<TKey, TValue> consumer)
    {
        if (_pending > 0 && Environment.TickCount64 - _oldestPending >= (long)MaxDelay.TotalMilliseconds)
        {
            Store(consumer);
        }
    }

    /// <summary>Stores every pending position now.</summary>
    public void Store<TKey, TValue>(IConsumer<TKey, TValue> consumer)
    {
        foreach (var (partition, next) in _next)
        {
            try
            {
                consumer.StoreOffset(new TopicPartitionOffset(topic, partition, next));
            }
            catch (KafkaException e)
            {
                // The partition is no longer assigned (lost in a rebalance): its new owner re-reads from the last commit.
                logger.LogWarning("Could not store offset {Offset} of partition {Partition}: {Reason}", next, partition, e.Error.Reason);
            }
        }

        _next.Clear();
        _pending = 0;
    }
}
