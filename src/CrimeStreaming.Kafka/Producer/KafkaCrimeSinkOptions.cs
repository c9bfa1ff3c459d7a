using Confluent.Kafka;

namespace CrimeStreaming.Kafka;

/// <summary>Options of <see cref="KafkaCrimeSink"/>. Validated when the sink is built.</summary>
public sealed class KafkaCrimeSinkOptions
{
    /// <summary>The cluster's bootstrap servers, e.g. <c>broker1:9092,broker2:9092</c>, or <see cref="EmbeddedKafkaCluster.BootstrapServers"/>. Required.</summary>
    public string BootstrapServers { get; set; } = string.Empty;

    /// <summary>The topic. The default value is <c>la-crime</c>.</summary>
    public string Topic { get; set; } = KafkaDefaults.Topic;

    /// <summary>How long the producer waits to fill a batch. The default value is 5 ms.</summary>
    public int LingerMs { get; set; } = 5;

    /// <summary>Messages the local queue holds before <see cref="KafkaCrimeSink.WriteAsync"/> waits (back-pressure). The default value is 100,000.</summary>
    public int QueueBufferingMaxMessages { get; set; } = 100_000;

    /// <summary>How long a message may take to be delivered, retries included, before it is reported as failed. The default value is 2 minutes.</summary>
    public TimeSpan MessageTimeout { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>How long completion waits for outstanding deliveries. The default value is 2 minutes.</summary>
    public TimeSpan FlushTimeout { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>How many failed deliveries are kept with their report in the summary (all are counted). The default value is 1,000.</summary>
    public int MaxRecordedFailures { get; set; } = 1000;

    /// <summary>Last word on the producer configuration (security settings for a real cluster…). The default value is <see langword="null"/>.</summary>
    /// <remarks>Idempotence and <c>acks=all</c> are set before this runs; turning them off gives up the no-duplicate, no-loss guarantees.</remarks>
    public Action<ProducerConfig>? Configure { get; set; }

    /// <summary>Checks the options.</summary>
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

        if (LingerMs < 0 || QueueBufferingMaxMessages < 1 || MaxRecordedFailures < 0)
        {
            throw new ArgumentException("LingerMs and MaxRecordedFailures must not be negative; QueueBufferingMaxMessages must be positive.");
        }

        if (MessageTimeout <= TimeSpan.Zero || FlushTimeout <= TimeSpan.Zero)
        {
            throw new ArgumentException("MessageTimeout and FlushTimeout must be positive.");
        }
    }

    internal ProducerConfig ToConfig()
    {
        var config = new ProducerConfig
        {
            BootstrapServers = BootstrapServers,
            EnableIdempotence = true,
            Acks = Acks.All,
            LingerMs = LingerMs,
            QueueBufferingMaxMessages = QueueBufferingMaxMessages,
            MessageTimeoutMs = (int)MessageTimeout.TotalMilliseconds,
            ClientId = "crimestreaming-producer",
            // Delivery handlers need only the outcome: not copying each key and value back saves work per message.
            DeliveryReportFields = "status",
        };
        Configure?.Invoke(config);
        return config;
    }
}
