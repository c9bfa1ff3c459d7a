namespace CrimeStreaming.Kafka.Producing;

/// <summary>Options of <see cref="KafkaCrimeSink"/>. The producer is always idempotent with <c>acks=all</c>.</summary>
public sealed class KafkaCrimeSinkOptions
{
    /// <summary>The brokers, <c>host:port,…</c>. Required; there is no default value.</summary>
    public string BootstrapServers { get; set; } = string.Empty;

    /// <summary>The topic. The default value is <c>la-crime</c>.</summary>
    public string Topic { get; set; } = KafkaDefaults.Topic;

    /// <summary>The client id shown in broker logs. The default value is <c>crime-streaming-producer</c>.</summary>
    public string ClientId { get; set; } = "crime-streaming-producer";

    /// <summary>How long the producer waits to fill a batch (<c>linger.ms</c>). The default value is 5 ms.</summary>
    public TimeSpan Linger { get; set; } = TimeSpan.FromMilliseconds(5);

    /// <summary>How long a message may take to be delivered, retries included (<c>message.timeout.ms</c>); after
    /// that it is reported as failed. The default value is 2 minutes.</summary>
    public TimeSpan DeliveryTimeout { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>The local queue size in messages (<c>queue.buffering.max.messages</c>); when it is full,
    /// <see cref="KafkaCrimeSink.WriteAsync"/> waits. The default value is 100,000.</summary>
    public int MaxQueuedMessages { get; set; } = 100_000;

    /// <summary>How long <see cref="KafkaCrimeSink.CompleteAsync"/> waits for outstanding deliveries at most.
    /// The default value is 2 minutes.</summary>
    public TimeSpan FlushTimeout { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>Extra librdkafka settings (e.g. security), applied last. The default value is empty.</summary>
    public IDictionary<string, string> AdditionalConfig { get; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>Sets <see cref="BootstrapServers"/>.</summary>
    /// <param name="bootstrapServers">The brokers.</param>
    /// <returns>These options.</returns>
    public KafkaCrimeSinkOptions WithBootstrapServers(string bootstrapServers)
    {
        BootstrapServers = bootstrapServers;
        return this;
    }

    /// <summary>Sets <see cref="Topic"/>.</summary>
    /// <param name="topic">The topic.</param>
    /// <returns>These options.</returns>
    public KafkaCrimeSinkOptions WithTopic(string topic)
    {
        Topic = topic;
        return this;
    }

    /// <summary>Adds a librdkafka setting to <see cref="AdditionalConfig"/>.</summary>
    /// <param name="name">The setting.</param>
    /// <param name="value">Its value.</param>
    /// <returns>These options.</returns>
    public KafkaCrimeSinkOptions WithConfig(string name, string value)
    {
        AdditionalConfig[name] = value;
        return this;
    }

    /// <summary>Checks the options.</summary>
    /// <exception cref="ArgumentException">An option is invalid.</exception>
    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(BootstrapServers))
        {
            throw new ArgumentException("BootstrapServers is required.", nameof(BootstrapServers));
        }

        if (string.IsNullOrWhiteSpace(Topic))
        {
            throw new ArgumentException("Topic is required.", nameof(Topic));
        }

        if (Linger < TimeSpan.Zero)
        {
            throw new ArgumentException("Linger must not be negative.", nameof(Linger));
        }

        if (DeliveryTimeout <= TimeSpan.Zero)
        {
            throw new ArgumentException("DeliveryTimeout must be positive.", nameof(DeliveryTimeout));
        }

        if (MaxQueuedMessages < 1)
        {
            throw new ArgumentException("MaxQueuedMessages must be at least 1.", nameof(MaxQueuedMessages));
        }

        if (FlushTimeout <= TimeSpan.Zero)
        {
            throw new ArgumentException("FlushTimeout must be positive.", nameof(FlushTimeout));
        }
    }
}
