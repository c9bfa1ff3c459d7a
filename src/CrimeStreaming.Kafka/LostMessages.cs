namespace CrimeStreaming.Kafka;

/// <summary>
/// Messages a consumer never read because the partition's log had already deleted them (retention) by the time the
/// consumer got there: offsets <see cref="From"/> (inclusive) to <see cref="To"/> (exclusive).
/// </summary>
/// <param name="Partition">The partition.</param>
/// <param name="From">The consumer's position: the first offset it had not read.</param>
/// <param name="To">The partition's log start when the consumer got there: where it resumed.</param>
public sealed record LostMessages(int Partition, long From, long To)
{
    /// <summary>How many messages were lost.</summary>
    public long Count => To - From;

    /// <inheritdoc/>
    public override string ToString() => $"partition {Partition}: offsets {From:N0} to {To - 1:N0} ({Count:N0} messages) deleted before they were read";
}
