namespace CrimeStreaming.Kafka.Analysis;

/// <summary>What one <see cref="KafkaWindowAnalyser"/> instance read and published.</summary>
public sealed record KafkaAnalysisSummary
{
    /// <summary>Messages read from the input topic: reports + invalid + end markers.</summary>
    public long Read { get; init; }

    /// <summary>Reports aggregated into this instance's partials.</summary>
    public long Reports { get; init; }

    /// <summary>Reports that came after their pane had closed in their partition (counted, not aggregated).</summary>
    public long Late { get; init; }

    /// <summary>Messages that were neither reports nor end markers, skipped.</summary>
    public long Invalid { get; init; }

    /// <summary>End-of-stream markers read.</summary>
    public long EndMarkers { get; init; }

    /// <summary>Messages deleted by retention before this instance read them: their reports are missing from the results.</summary>
    public long Lost { get; init; }

    /// <summary>Pane partials published to the results topic.</summary>
    public long Partials { get; init; }

    /// <summary>Results messages published (batches of partials and progress).</summary>
    public long ResultsMessages { get; init; }

    /// <summary>Partition states written to the state topic.</summary>
    public long StateMessages { get; init; }

    /// <summary>The largest state message written, in bytes before compression (it grows with the open panes: the allowed disorder).</summary>
    public long LargestStateBytes { get; init; }

    /// <summary>How often reading stopped because too many closed partials waited for the results topic to confirm them.</summary>
    public long Throttled { get; init; }

    /// <summary>Partitions this instance was given.</summary>
    public long Assigned { get; init; }

    /// <summary>Partitions taken over from the state a previous owner wrote to the state topic.</summary>
    public long Restored { get; init; }

    /// <summary>
    /// Partitions the group had read before but whose state was not on the state topic: recomputed from the start of the
    /// input (anything retention deleted meanwhile is counted in <see cref="Lost"/>).
    /// </summary>
    public long Recomputed { get; init; }

    /// <summary>Messages on the state topic that were not states of this format (or were corrupt), skipped.</summary>
    public long ForeignStateMessages { get; init; }

    /// <summary>Partitions taken from this instance by a rebalance.</summary>
    public long Revoked { get; init; }

    /// <inheritdoc/>
    public override string ToString() =>
        $"read {Read:N0}: {Reports:N0} reports, {Late:N0} late, {Invalid:N0} invalid, {EndMarkers:N0} end markers, {Lost:N0} lost to retention; " +
        $"published {Partials:N0} partials in {ResultsMessages:N0} messages, {StateMessages:N0} states (largest {LargestStateBytes / 1024.0:N0} KiB){(Throttled > 0 ? $", reading paused {Throttled:N0} times for confirmations" : "")}; partitions assigned {Assigned:N0}, restored {Restored:N0}, recomputed {Recomputed:N0}, revoked {Revoked:N0}" +
        (ForeignStateMessages > 0 ? $"; {ForeignStateMessages:N0} foreign state messages skipped" : "");
}
