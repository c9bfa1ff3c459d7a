namespace CrimeStreaming.Kafka.Consuming;

/// <summary>Options of <see cref="KafkaCrimeSource"/>.</summary>
public sealed class KafkaCrimeSourceOptions
{
    /// <summary>The brokers, <c>host:port,…</c>. Required; there is no default value.</summary>
    public string BootstrapServers { get; set; } = string.Empty;

    /// <summary>The topic. The default value is <c>la-crime</c>.</summary>
    public string Topic { get; set; } = KafkaDefaults.Topic;

    /// <summary>The consumer group. The default value is <c>crime-streaming</c>.</summary>
    public string GroupId { get; set; } = "crime-streaming";

    /// <summary>Where a group without commits starts: <see langword="true"/> for the earliest offset,
    /// <see langword="false"/> for the latest. The default value is <see langword="true"/>.</summary>
    public bool StartFromEarliest { get; set; } = true;

    /// <summary>How often processed offsets are committed (they are also committed when partitions are revoked and
    /// when the source stops). The default value is 1 second.</summary>
    public TimeSpan CommitInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Skip reports whose DR number was already seen by this source (at-least-once made effectively-once
    /// for one reader). The default value is <see langword="false"/>.</summary>
    public bool DeduplicateByDrNumber { get; set; }

    /// <summary>Stop after this many reports; <see langword="null"/> for no limit. The default value is <see langword="null"/>.</summary>
    public long? MaxReports { get; set; }

    /// <summary>Stop once every assigned partition has reached its end. The default value is <see langword="false"/>.</summary>
    public bool StopAtEnd { get; set; }

    /// <summary>Stop when no message arrived for this long; <see langword="null"/> to wait forever.
    /// The default value is <see langword="null"/>.</summary>
    public TimeSpan? IdleTimeout { get; set; }

    /// <summary>Consumer session timeout; with the classic protocol a rebalance takes about this long.
    /// The default value is 6 seconds.</summary>
    public TimeSpan SessionTimeout { get; set; } = TimeSpan.FromSeconds(6);

    /// <summary>Extra librdkafka settings, applied last. The default value is empty.</summary>
    public IDictionary<string, string> AdditionalConfig { get; } = new Dictionary<string, string>(StringComparer.Ordinal);

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

        if (string.IsNullOrWhiteSpace(GroupId))
        {
            throw new ArgumentException("GroupId is required.", nameof(GroupId));
        }

        if (CommitInterval <= TimeSpan.Zero)
        {
            throw new ArgumentException("CommitInterval must be positive.", nameof(CommitInterval));
        }

        if (MaxReports is < 0)
        {
            throw new ArgumentException("MaxReports must not be negative.", nameof(MaxReports));
        }

        if (IdleTimeout is { } idle && idle <= TimeSpan.Zero)
        {
            throw new ArgumentException("IdleTimeout must be positive.", nameof(IdleTimeout));
        }

        if (SessionTimeout < TimeSpan.FromSeconds(1))
        {
            throw new ArgumentException("SessionTimeout must be at least 1 second.", nameof(SessionTimeout));
        }
    }
}
