using Confluent.Kafka;
using Confluent.Kafka.Admin;

namespace CrimeStreaming.Kafka;

/// <summary>Creates and describes topics of a real cluster through the Kafka Admin API. Not for the embedded cluster.</summary>
public sealed class AdminTopicProvisioner : ITopicProvisioner, IDisposable
{
    private readonly IAdminClient _admin;

    /// <summary>Connects to the cluster at <paramref name="bootstrapServers"/>.</summary>
    /// <param name="bootstrapServers">The bootstrap servers.</param>
    /// <param name="configure">Last word on the admin client configuration (security…).</param>
    public AdminTopicProvisioner(string bootstrapServers, Action<AdminClientConfig>? configure = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(bootstrapServers);
        var config = new AdminClientConfig { BootstrapServers = bootstrapServers };
        configure?.Invoke(config);
        _admin = new AdminClientBuilder(config).Build();
    }

    /// <summary>How long one admin request may take. The default value is 30 seconds.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <inheritdoc/>
    public async Task EnsureTopicAsync(string topic, int partitions, short replicationFactor = KafkaDefaults.ReplicationFactor, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(topic);
        ArgumentOutOfRangeException.ThrowIfLessThan(partitions, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(replicationFactor, (short)1);

        // An existing topic is left as it is, and no CreateTopics request is sent for it: clusters that only serve
        // metadata (another process's embedded cluster) can then be joined too.
        var existing = await Task.Run(() => _admin.GetMetadata(topic, Timeout), cancellationToken).ConfigureAwait(false);
        if (existing.Topics.Any(t => t.Topic == topic && !t.Error.IsError && t.Partitions.Count > 0))
        {
            return;
        }

        try
        {
            await _admin.CreateTopicsAsync(
                [new TopicSpecification { Name = topic, NumPartitions = partitions, ReplicationFactor = replicationFactor }],
                new CreateTopicsOptions { RequestTimeout = Timeout, OperationTimeout = Timeout }).WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (CreateTopicsException e) when (e.Results.All(r => r.Error.Code is ErrorCode.TopicAlreadyExists or ErrorCode.NoError))
        {
            // Already there: leave it as it is.
        }
    }

    /// <inheritdoc/>
    public Task<TopicDescription> DescribeTopicAsync(string topic, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(topic);
        return Task.Run(() => TopicMetadata.Describe(_admin, topic, Timeout), cancellationToken);
    }

    /// <inheritdoc/>
    public void Dispose() => _admin.Dispose();
}
