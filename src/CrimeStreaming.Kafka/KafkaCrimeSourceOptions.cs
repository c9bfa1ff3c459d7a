using Confluent.Kafka;

namespace CrimeStreaming.Kafka;

/// <summary>Options of <see cref="KafkaCrimeSource"/>. Copied and validated (<see cref="Validate"/>) when the source is built.</summary>
public sealed class KafkaCrimeSourceOptions
{
    /// <summary>The cluster's bootstrap servers. Required.</summary>
    public string BootstrapServers { get; set; } = string.Empty;

    /// <summary>The topic. The default value is <c>la-crime</c>.</summary>
    public string Topic { get; set; } = KafkaDefaults.Topic;

    /// <summary>The consumer group; consumers of one group share the partitions and resume from its commits. The default value is <c>crimestreaming</c>.</summary>
    public string GroupId { get; set; } = "crimestreaming";

    /// <summary>Where a group without commits starts. The default value is <see cref="AutoOffsetReset.Earliest"/>.</summary>
    /// <remarks>Only for partitions without a committed offset: a committed position that retention has deleted is never
    /// reset silently; the source resumes at the log start and counts what was lost.</remarks>
    public AutoOffsetReset AutoOffsetReset { get; set; } = AutoOffsetReset.Earliest;

    /// <summary>
    /// Stop once every assigned partition has been read to its end (a finite replay, tests, back-fills). The default
    /// value is <see langword="false"/>: keep waiting for new reports.
    /// </summary>
    public bool StopAtEnd { get; set; }

    /// <summary>
    /// Stop once every assigned partition holds the <see cref="EndOfStream"/> markers of every shard of the replay. The
    /// default value is <see langword="false"/>.
    /// </summary>
    public bool StopAtEndOfStream { get; set; }

    /// <summary>Stop after this many reports have been processed. The default value is <see langword="null"/> (no limit).</summary>
    public long? MaxReports { get; set; }

    /// <summary>
    /// Stop when no message has arrived for this long (a finite read of a topic that may be empty or still filling).
    /// The default value is <see langword="null"/>: wait for ever.
    /// </summary>
    public TimeSpan? IdleTimeout { get; set; }

    /// <summary>
    /// Skip reports whose DR number was already seen by this source (at-least-once delivery can repeat a report after a
    /// crash or rebalance). Remembers every DR number seen. The default value is <see langword="false"/>.
    /// </summary>
    public bool DeduplicateByDrNumber { get; set; }

    /// <summary>How often stored offsets are committed in the background. The default value is 1 second.</summary>
    public TimeSpan CommitInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Group session timeout: how long a dead consumer keeps its partitions. The default value is 6 seconds.</summary>
    public TimeSpan SessionTimeout { get; set; } = TimeSpan.FromSeconds(6);

    /// <summary>
    /// Reads a report from a message value. The default value is <see cref="CrimeReportJsonSerializer.Instance"/>
    /// (<see cref="CrimeReportJson"/>), matching <see cref="KafkaCrimeSinkOptions.Serializer"/>'s default.
    /// </summary>
    /// <remarks>Called on the consumer's thread, with the topic and the message's headers in its context;
    /// <c>isNull</c> is true for a message without a value. A message it throws on (or returns <see langword="null"/>
    /// for) is not a report: skipped, counted in <see cref="KafkaConsumeSummary.Invalid"/> and passed to
    /// <see cref="KafkaCrimeSource.InvalidMessage"/> with the exception's message as the reason.</remarks>
    public IDeserializer<CrimeReport> Deserializer { get; set; } = CrimeReportJsonSerializer.Instance;

    /// <summary>Last word on the consumer configuration. The default value is <see langword="null"/>.</summary>
    /// <remarks>Automatic offset storing stays off: offsets are stored only after a report was processed.</remarks>
    public Action<ConsumerConfig>? Configure { get; set; }

    /// <summary>Checks every option.</summary>
    /// <exception cref="InvalidOptionsException">One or more options are invalid; all of them are listed, each with its name.</exception>
    public void Validate()
    {
        var errors = new OptionErrors(nameof(KafkaCrimeSourceOptions));
        errors.Required(nameof(BootstrapServers), BootstrapServers);
        errors.Required(nameof(Topic), Topic);
        errors.Required(nameof(GroupId), GroupId);
        if (!Enum.IsDefined(AutoOffsetReset))
        {
            errors.Add(nameof(AutoOffsetReset), $"must be one of {string.Join(", ", Enum.GetNames<AutoOffsetReset>())}, not {AutoOffsetReset}.");
        }

        if (MaxReports is < 1)
        {
            errors.Add(nameof(MaxReports), $"must be at least 1 (or null for no limit), not {MaxReports}.");
        }

        if (IdleTimeout is { } idle && idle <= TimeSpan.Zero)
        {
            errors.Add(nameof(IdleTimeout), $"must be positive (or null to wait for ever), not {idle}.");
        }

        // auto.commit.interval.ms and session.timeout.ms are ints of milliseconds.
        errors.Positive(nameof(CommitInterval), CommitInterval, TimeSpan.FromMilliseconds(int.MaxValue));
        errors.Positive(nameof(SessionTimeout), SessionTimeout, TimeSpan.FromMilliseconds(int.MaxValue));
        if (Deserializer is null)
        {
            errors.Add(nameof(Deserializer), "is required, not null.");
        }

        errors.ThrowIfAny();
    }

    /// <summary>A copy of these options; <see cref="Deserializer"/> and <see cref="Configure"/> are shared.</summary>
    public KafkaCrimeSourceOptions Clone() => (KafkaCrimeSourceOptions)MemberwiseClone();

    internal ConsumerConfig ToConfig()
    {
        var config = new ConsumerConfig
        {
            BootstrapServers = BootstrapServers,
            GroupId = GroupId,
            AutoOffsetReset = AutoOffsetReset,
            EnableAutoCommit = true,
            AutoCommitIntervalMs = (int)CommitInterval.TotalMilliseconds,
            SessionTimeoutMs = (int)SessionTimeout.TotalMilliseconds,
            HeartbeatIntervalMs = Math.Max(100, (int)SessionTimeout.TotalMilliseconds / 12),
            EnablePartitionEof = true,
            ClientId = "crimestreaming-consumer",
        };
        Configure?.Invoke(config);
        config.EnableAutoOffsetStore = false;
        return config;
    }
}
