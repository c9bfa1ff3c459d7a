namespace CrimeStreaming.ScaleOut;

/// <summary>
/// The whole state of one partition's aggregation after reading up to <see cref="NextOffset"/>: what an instance writes
/// to the state changelog, and what a new owner restores with <see cref="PartitionPaneAggregator.Restore(PartitionSnapshot)"/>
/// before it reads on from <see cref="NextOffset"/> — never from before it.
/// </summary>
/// <param name="Partition">The input topic's partition.</param>
/// <param name="NextOffset">One past the last offset the state covers; -1 before anything was read.</param>
/// <param name="ClosedThrough">Every pane ending at or before this instant is closed; <see langword="null"/> before any.</param>
/// <param name="ShardMaxSeen">Per replay shard (index 0 = shard 1), the greatest report time seen; <see langword="null"/> for a shard not seen yet.</param>
/// <param name="ShardEnded">Per replay shard, whether its end marker was read.</param>
/// <param name="Counted">Reports aggregated so far, open panes included.</param>
/// <param name="Late">Reports that came after their pane had closed, so far.</param>
/// <param name="OpenPanes">The panes still open, with their counts so far, oldest first.</param>
public sealed record PartitionSnapshot(
    int Partition,
    long NextOffset,
    DateTimeOffset? ClosedThrough,
    IReadOnlyList<DateTimeOffset?> ShardMaxSeen,
    IReadOnlyList<bool> ShardEnded,
    long Counted,
    long Late,
    IReadOnlyList<PanePartial> OpenPanes)
{
    /// <summary>Whether every shard's end marker was read: the partition has ended.</summary>
    public bool IsEnded => ShardEnded.Count > 0 && ShardEnded.All(e => e);
}
