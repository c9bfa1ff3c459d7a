using Confluent.Kafka;

namespace CrimeStreaming.Kafka;

/// <summary>Options of <see cref="KafkaCrimeSink"/>. Copied and validated (<see cref="Validate"/>) when the sink is built.</summary>
public sealed class KafkaCrimeSinkOptions
{
    /// <summary>The cluster's bootstrap servers, e.g. <c>broker1:9092,broker2:9092</c>, or an embedded cluster's (<c>EmbeddedKafkaCluster.BootstrapServers</c> in CrimeStreaming.Kafka.Embedded). Required.</summary>
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

    /// <summary>
    /// Back-pressure from a consumer group: the sink waits while the group lags further behind than the limit. The
    /// default value is <see langword="null"/> (off, as a real cluster's retention is usually days); the embedded
    /// cluster needs it for inputs beyond a few MiB per partition.
    /// </summary>
    public ConsumerLagLimit? ConsumerLagLimit { get; set; }

    /// <summary>
    /// Which shard of a replay shared by several producers this sink publishes. The default value is 1/1 (the whole replay).
    /// Shard i of k takes a k-th of <see cref="ConsumerLagLimit"/> for its own messages.
    /// </summary>
    public ReplayShard Shard { get; set; } = ReplayShard.Whole;

    /// <summary>
    /// Write an <see cref="EndOfStream"/> marker to every partition when the sink completes, so readers know the replay
    /// is over. The default value is <see langword="true"/>.
    /// </summary>
    public bool WriteEndOfStream { get; set; } = true;

    /// <summary>
    /// Turns a report into the message value. The default value is <see cref="CrimeReportJsonSerializer.Instance"/>
    /// (<see cref="CrimeReportJson"/>); readers need the matching deserializer
    /// (<see cref="KafkaCrimeSourceOptions.Deserializer"/>, <see cref="Analysis.KafkaWindowAnalyserOptions.Deserializer"/>).
    /// </summary>
    /// <remarks>Called on the replay's thread for each report, with the topic and the message's headers in its context.
    /// A serializer that throws fails the delivery of that report (<see cref="ErrorCode.Local_ValueSerialization"/>),
    /// as a Confluent.Kafka producer does, not the replay.</remarks>
    public ISerializer<CrimeReport> Serializer { get; set; } = CrimeReportJsonSerializer.Instance;

    /// <summary>Last word on the producer configuration (security settings for a real cluster…). The default value is <see langword="null"/>.</summary>
    /// <remarks>Idempotence and <c>acks=all</c> are set before this runs; turning them off gives up the no-duplicate, no-loss guarantees.</remarks>
    public Action<ProducerConfig>? Configure { get; set; }

    /// <summary>Checks every option.</summary>
    /// <exception cref="InvalidOptionsException">One or more options are invalid; all of them are listed, each with its name.</exception>
    public void Validate()
    {
        var errors = new OptionErrors(nameof(KafkaCrimeSinkOptions));
        errors.Required(nameof(BootstrapServers), BootstrapServers);
        errors.Required(nameof(Topic), Topic);
        if (LingerMs < 0)
        {
            errors.Add(nameof(LingerMs), $"must not be negative, not {LingerMs}.");
        }

        if (QueueBufferingMaxMessages < 1)
        {
            errors.Add(nameof(QueueBufferingMaxMessages), $"must be at least 1, not {QueueBufferingMaxMessages}.");
        }

        // message.timeout.ms is an int of milliseconds.
        errors.Positive(nameof(MessageTimeout), MessageTimeout, TimeSpan.FromMilliseconds(int.MaxValue));
        errors.Positive(nameof(FlushTimeout), FlushTimeout, TimeSpan.FromMilliseconds(int.MaxValue));
        if (MaxRecordedFailures < 0)
        {
            errors.Add(nameof(MaxRecordedFailures), $"must not be negative, not {MaxRecordedFailures}.");
        }

        if (ConsumerLagLimit is not null)
        {
            errors.AddRange(ConsumerLagLimit.Errors(nameof(ConsumerLagLimit)));
        }

        if (Shard.Count < 1 || Shard.Index < 1 || Shard.Index > Shard.Count)
        {
            errors.Add(nameof(Shard), $"must be i/k with 1 <= i <= k, not {Shard.Index}/{Shard.Count}.");
        }

        if (Serializer is null)
        {
            errors.Add(nameof(Serializer), "is required, not null.");
        }

        errors.ThrowIfAny();
    }

    /// <summary>A copy of these options; <see cref="ConsumerLagLimit"/> is copied too, <see cref="Serializer"/> and <see cref="Configure"/> are shared.</summary>
    public KafkaCrimeSinkOptions Clone()
    {
        var copy = (KafkaCrimeSinkOptions)MemberwiseClone();
        copy.ConsumerLagLimit = ConsumerLagLimit?.Clone();
        return copy;
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

    /// <summary>A consumer configuration that reaches the same cluster as the producer (security settings included).</summary>
    internal ConsumerConfig ToMonitorConfig()
    {
        var consumer = new ConsumerConfig();
        foreach (var (key, value) in ToConfig())
        {
            if (key is "bootstrap.servers" or "client.dns.lookup" || key.StartsWith("security.", StringComparison.Ordinal) || key.StartsWith("sasl.", StringComparison.Ordinal) || key.StartsWith("ssl.", StringComparison.Ordinal))
            {
                consumer.Set(key, value);
            }
        }

        consumer.ClientId = "crimestreaming-lag-monitor";
        return consumer;
    }
}
