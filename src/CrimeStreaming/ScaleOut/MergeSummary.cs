namespace CrimeStreaming.ScaleOut;

/// <summary>What a <see cref="GlobalWindowMerger"/> has received and emitted.</summary>
public sealed record MergeSummary
{
    /// <summary>Partials added to their panes.</summary>
    public long Accepted { get; init; }

    /// <summary>Identical repeats of a partial, dropped.</summary>
    public long Duplicates { get; init; }

    /// <summary>Repeats with other counts, dropped (see <see cref="PartialOutcome.Conflicting"/>).</summary>
    public long Conflicting { get; init; }

    /// <summary>Partials for panes whose windows had been emitted, dropped.</summary>
    public long Late { get; init; }

    /// <summary>Partials and progress records for another topic's partitions (or partition count), dropped.</summary>
    public long Foreign { get; init; }

    /// <summary>Global windows emitted.</summary>
    public long Windows { get; init; }

    /// <summary>Reports aggregated into partials, over every partition (from the latest checkpoints).</summary>
    public long Reports { get; init; }

    /// <summary>Reports that came after their pane had closed in their partition, over every partition.</summary>
    public long LateReports { get; init; }

    /// <summary>Whether every partition has ended, so every window has been emitted.</summary>
    public bool Complete { get; init; }

    /// <summary>The SHA-256 of the crime snapshot's global window results so far, in canonical order (hex).</summary>
    public string Digest { get; init; } = string.Empty;

    /// <summary>Per analysis, the SHA-256 of its global window results so far, in canonical order (hex).</summary>
    public IReadOnlyDictionary<string, string> Digests { get; init; } = new Dictionary<string, string>();

    /// <inheritdoc/>
    public override string ToString() =>
        $"{Windows:N0} windows over {Reports:N0} reports ({LateReports:N0} late) from {Accepted:N0} partials ({Duplicates:N0} duplicate, {Conflicting:N0} conflicting, {Late:N0} late, {Foreign:N0} foreign dropped){(Complete ? "" : ", incomplete")}";
}
