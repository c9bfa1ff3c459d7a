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

    /// <summary>Reports read again after taking a partition over, already published by its previous owner.</summary>
    public long Replayed { get; init; }

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

    /// <summary>Partitions this instance was given.</summary>
    public long Assigned { get; init; }

    /// <summary>Partitions taken over from a checkpoint of a previous owner.</summary>
    public long Restored { get; init; }

    /// <summary>Partitions taken from this instance by a rebalance.</summary>
    public long Revoked { get; init; }

    /// <inheritdoc/>
    public override string ToString() =>
        $"read {Read:N0}: {Reports:N0} reports, {Late:N0} late, {Replayed:N0} replayed, {Invalid:N0} invalid, {EndMarkers:N0} end markers, {Lost:N0} lost to retention; " +
        $"published {Partials:N0} partials in {ResultsMessages:N0} messages; partitions assigned {Assigned:N0}, restored {Restored:N0}, revoked {Revoked:N0}";
}
