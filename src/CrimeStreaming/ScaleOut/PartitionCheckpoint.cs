namespace CrimeStreaming.ScaleOut;

/// <summary>
/// What an instance that takes over a partition needs to continue exactly where its previous owner stood: published with
/// every <see cref="PartitionProgress"/>, restored with <see cref="PartitionPaneAggregator.Restore"/>.
/// </summary>
/// <param name="NextOffset">One past the last offset the previous owner read.</param>
/// <param name="ClosedThrough">Every pane ending at or before this instant was closed (and published); <see langword="null"/> before any.</param>
/// <param name="ShardMaxSeen">Per replay shard (index 0 = shard 1), the greatest report time seen; <see langword="null"/> for a shard not seen yet.</param>
/// <param name="ShardEnded">Per replay shard, whether its end marker was read.</param>
/// <param name="Counted">Reports aggregated so far in this partition.</param>
/// <param name="Late">Reports that came after their pane had closed, so far.</param>
public sealed record PartitionCheckpoint(
    long NextOffset,
    DateTimeOffset? ClosedThrough,
    IReadOnlyList<DateTimeOffset?> ShardMaxSeen,
    IReadOnlyList<bool> ShardEnded,
    long Counted,
    long Late)
{
    /// <summary>
    /// Where a new owner starts reading: the first offset of the oldest pane still open at the checkpoint (the next
    /// offset when none was open); <see langword="null"/> when unknown. The group's committed offset can then be the
    /// read position, which is what bounds retention, while recovery still re-reads every open pane whole.
    /// </summary>
    public long? RecoveryOffset { get; init; }
}
