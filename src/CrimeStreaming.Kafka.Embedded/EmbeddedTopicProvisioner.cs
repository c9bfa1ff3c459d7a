using Confluent.Kafka;

namespace CrimeStreaming.Kafka.Embedded;

/// <summary>Creates topics on an <see cref="EmbeddedKafkaCluster"/> with the mock's own call (its Admin API does not create topics).</summary>
public sealed class EmbeddedTopicProvisioner(EmbeddedKafkaCluster cluster) : ITopicProvisioner
{
    private readonly EmbeddedKafkaCluster _cluster = cluster ?? throw new ArgumentNullException(nameof(cluster));

    /// <inheritdoc/>
    public Task EnsureTopicAsync(string topic, int partitions, short replicationFactor = KafkaDefaults.ReplicationFactor, CancellationToken cancellationToken = default)
    {
        try
        {
            _cluster.CreateTopic(topic, partitions, replicationFactor);
        }
        catch (KafkaException e) when (e.Error.Code == ErrorCode.TopicAlreadyExists)
        {
            // Already there: leave it as it is.
        }

        return Task.CompletedTask;
    }

    /// <inheritdoc/>
    /// <remarks>Only a Metadata request is sent, which the embedded cluster answers safely.</remarks>
    public async Task<TopicDescription> DescribeTopicAsync(string topic, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(topic);

        // The admin provisioner describes with a Metadata request only; its CreateTopics is never used here.
        using var admin = new AdminTopicProvisioner(_cluster.BootstrapServers) { Timeout = TimeSpan.FromSeconds(10) };
        return await admin.DescribeTopicAsync(topic, cancellationToken).ConfigureAwait(false);
    }
}
