namespace CrimeStreaming.Kafka;

/// <summary>
/// Back-pressure from the slowest consumer: the sink waits while any partition holds more than
/// <see cref="MaxMessagesPerPartition"/> messages that the consumer group <see cref="GroupId"/> has not committed,
/// so the producer never runs further ahead than the topic retains.
/// </summary>
/// <remarks>
/// <para>Needed on the embedded cluster, which keeps only the last 5 MiB (or 100,000 message sets) of each partition and
/// silently deletes older messages; useful on a real cluster with short retention. Off by default.</para>
/// <para>Lag is measured as Kafka tools measure it: a partition's end offset minus the group's committed offset (the log
/// start when the group has not committed yet), plus every message produced since the last measurement, counted
/// against every partition (an upper bound). So the limit also holds the replay back while no consumer has joined.
/// The end offsets come from the sink's own delivery reports, and from the cluster every 250 ms (messages of other
/// producers, such as the other shards of a replay, count from then on); the committed offsets are read at every
/// measurement.</para>
/// <para>The k shards of a replay (<see cref="KafkaCrimeSinkOptions.Shard"/>) share the limit: each also keeps its own
/// uncommitted messages in every partition within a k-th of it (at least one), counted exactly from its delivery
/// reports, so that together they never run further ahead than the limit, however late they see each other's messages.
/// Give every shard the same limit.</para>
/// </remarks>
public sealed class ConsumerLagLimit
{
    /// <summary>The consumer group whose commits release the producer. Required.</summary>
    public string GroupId { get; set; } = string.Empty;

    /// <summary>
    /// Uncommitted messages a partition may hold. The default value is 3,000: about 2.5 MB of reports, half of the
    /// embedded cluster's 5 MiB per partition.
    /// </summary>
    public int MaxMessagesPerPartition { get; set; } = 3_000;

    /// <summary>How often the lag is measured while the sink is not waiting. The default value is 20 ms.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromMilliseconds(20);

    /// <summary>
    /// How often the lag is measured while the sink waits for the group: the first measurement is taken as soon as it
    /// starts waiting, then one every interval until it may go on. The default value is 1 ms.
    /// </summary>
    /// <remarks>
    /// Each measurement is one request for the group's committed offsets. Measuring only every
    /// <see cref="PollInterval"/> while waiting left the replay idle for half of that interval on average at every wait:
    /// as fast as possible on the embedded cluster, that was half of the replay's time.
    /// </remarks>
    public TimeSpan WaitingPollInterval { get; set; } = TimeSpan.FromMilliseconds(1);

    /// <summary>A copy of this limit.</summary>
    public ConsumerLagLimit Clone() => (ConsumerLagLimit)MemberwiseClone();

    /// <summary>The invalid properties, named <paramref name="path"/>.<c>Property</c> (the sink reports them with its own options).</summary>
    internal IEnumerable<OptionError> Errors(string path)
    {
        if (string.IsNullOrWhiteSpace(GroupId))
        {
            yield return new OptionError($"{path}.{nameof(GroupId)}", OptionErrors.RequiredMessage(GroupId));
        }

        if (MaxMessagesPerPartition < 1)
        {
            yield return new OptionError($"{path}.{nameof(MaxMessagesPerPartition)}", $"must be at least 1, not {MaxMessagesPerPartition}.");
        }

        if (PollInterval <= TimeSpan.Zero || PollInterval > MaxPollInterval)
        {
            yield return new OptionError($"{path}.{nameof(PollInterval)}", $"must be positive and at most {MaxPollInterval}, not {PollInterval}.");
        }

        if (WaitingPollInterval <= TimeSpan.Zero || WaitingPollInterval > MaxPollInterval)
        {
            yield return new OptionError($"{path}.{nameof(WaitingPollInterval)}", $"must be positive and at most {MaxPollInterval}, not {WaitingPollInterval}.");
        }
    }

    private static TimeSpan MaxPollInterval => TimeSpan.FromMinutes(1);
}
