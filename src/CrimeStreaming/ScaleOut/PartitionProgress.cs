namespace CrimeStreaming.ScaleOut;

/// <summary>How far one partition of the input topic has been aggregated: the per-partition watermark.</summary>
/// <param name="Partition">The input topic's partition.</param>
/// <param name="PartitionCount">How many partitions the publishing instance sees in the input topic.</param>
/// <param name="ClosedThrough">
/// Every pane ending at or before this instant is closed for this partition: its partial (if it had reports) was
/// published before this progress. <see cref="DateTimeOffset.MinValue"/> before any pane closed,
/// <see cref="DateTimeOffset.MaxValue"/> once the partition has ended.
/// </param>
/// <param name="State">Active, idle (released from the watermark until it has reports again) or ended.</param>
public sealed record PartitionProgress(int Partition, int PartitionCount, DateTimeOffset ClosedThrough, PartitionState State)
{
    /// <summary>The state a new owner of the partition restores; <see langword="null"/> when not published.</summary>
    public PartitionCheckpoint? Checkpoint { get; init; }
}
