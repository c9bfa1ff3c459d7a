namespace CrimeStreaming.ScaleOut;

/// <summary>
/// A partition's progress in figures, published with every <see cref="PartitionProgress"/>: where its reading stands and
/// what it counted, for the merger's summary. (The state a new owner restores is a <see cref="PartitionSnapshot"/>.)
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
    long Late);
