using Confluent.Kafka;

namespace CrimeStreaming.Kafka;

/// <summary>Reads a topic's description from cluster metadata (a Metadata request, which every cluster, the embedded one included, answers).</summary>
internal static class TopicMetadata
{
    public static TopicDescription Describe(IAdminClient admin, string topic, TimeSpan timeout)
    {
        var metadata = admin.GetMetadata(topic, timeout);
        var t = metadata.Topics.SingleOrDefault(x => x.Topic == topic)
                ?? throw new KafkaException(new Error(ErrorCode.UnknownTopicOrPart, $"topic {topic} not found"));
        if (t.Error.IsError)
        {
            throw new KafkaException(t.Error);
        }

        return new TopicDescription(topic, t.Partitions
            .OrderBy(p => p.PartitionId)
            .Select(p => new PartitionDescription(p.PartitionId, p.Leader, p.Replicas, p.InSyncReplicas))
            .ToArray());
    }
}
