namespace CrimeStreaming.Kafka;

/// <summary>Creates and describes topics: with the Admin API on a real cluster, with the mock's own calls on the embedded one.</summary>
public interface ITopicProvisioner
{
    /// <summary>Creates the topic if it does not exist; an existing topic is left as it is.</summary>
    Task EnsureTopicAsync(string topic, int partitions, short replicationFactor = KafkaDefaults.ReplicationFactor, CancellationToken cancellationToken = default);

    /// <summary>Describes the topic from the cluster's metadata.</summary>
    Task<TopicDescription> DescribeTopicAsync(string topic, CancellationToken cancellationToken = default);
}
