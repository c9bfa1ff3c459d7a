using Confluent.Kafka;
using Microsoft.Extensions.Logging;

namespace CrimeStreaming.Kafka;

/// <summary>
/// Replaces librdkafka's silent <c>auto.offset.reset</c>: the consumer runs with <c>auto.offset.reset=error</c>, and this
/// guard decides. A partition without a committed offset starts where the user's policy says (earliest or latest); a
/// position below the log start (the messages were deleted before they were read) is counted exactly as lost, reported,
/// and the consumer resumes at the log start.
/// </summary>
internal sealed class LogStartGuard(AutoOffsetReset policy, ILogger logger, Action<LostMessages> onLost)
{
    private long _lost;

    public long Lost => Interlocked.Read(ref _lost);

    /// <summary>The consumer configuration's reset policy: errors, so that this guard sees every reset.</summary>
    public static void Configure(ConsumerConfig config) => config.AutoOffsetReset = AutoOffsetReset.Error;

    /// <summary>Handles a consume error if it is an offset reset; returns <see langword="false"/> for other errors.</summary>
    public bool TryHandle<TKey, TValue>(IConsumer<TKey, TValue> consumer, ConsumeException e)
    {
        if (e.Error.Code != ErrorCode.Local_AutoOffsetReset || e.ConsumerRecord?.TopicPartition is not { } partition)
        {
            return false;
        }

        var position = e.ConsumerRecord.Offset;
        var ends = consumer.QueryWatermarkOffsets(partition, TimeSpan.FromSeconds(10));
        if (position.IsSpecial)
        {
            // No committed offset: the group starts this partition where the user's policy says.
            if (policy == AutoOffsetReset.Error)
            {
                throw new KafkaException(e.Error);
            }

            consumer.Seek(new TopicPartitionOffset(partition, policy == AutoOffsetReset.Latest ? ends.High : ends.Low));
            return true;
        }

        if (position.Value < ends.Low.Value)
        {
            var lost = new LostMessages(partition.Partition.Value, position.Value, ends.Low.Value);
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
        else
        {
            // Beyond the end (the topic was truncated or re-created): nothing known to be lost, start over at the log start.
            logger.LogWarning("Position {Position} of partition {Partition} is outside its log [{Low}, {High}): resuming at {Low}.", position.Value, partition.Partition.Value, ends.Low.Value, ends.High.Value, ends.Low.Value);
        }

        consumer.Seek(new TopicPartitionOffset(partition, ends.Low));
        return true;
    }
}
