namespace CrimeStreaming.ScaleOut;

/// <summary>Where a partition of the input topic stands for event time.</summary>
public enum PartitionState
{
    /// <summary>Reports are arriving; the partition's watermark holds the global one back.</summary>
    Active,

    /// <summary>
    /// No report for longer than the idle timeout while caught up: the partition stops holding the global watermark back
    /// (as Flink's idleness and Kafka Streams' <c>max.task.idle.ms</c> do) until it has reports again.
    /// </summary>
    Idle,

    /// <summary>Every producer has marked the end of its stream in this partition: all its panes are closed.</summary>
    Ended,
}
