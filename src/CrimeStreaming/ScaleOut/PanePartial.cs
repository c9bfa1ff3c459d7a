using CrimeStreaming.Aggregation;

namespace CrimeStreaming.ScaleOut;

/// <summary>
/// One partition's accumulator of one analysis for one pane of event time: the unit an analysis instance publishes and
/// a <see cref="GlobalWindowMerger"/> merges. Windows are merges of consecutive panes.
/// </summary>
/// <param name="Partition">The input topic's partition the accumulator comes from.</param>
/// <param name="PaneStart">The pane's start (UTC, a multiple of the pane length since the Unix epoch).</param>
/// <param name="Analysis">The analysis' name (<see cref="WindowedAnalysis.Name"/>).</param>
/// <param name="Reports">How many reports of that partition fall in the pane (every analysis sees them all).</param>
/// <param name="Accumulator">The analysis' accumulator of those reports.</param>
public sealed record PanePartial(int Partition, DateTimeOffset PaneStart, string Analysis, long Reports, object Accumulator)
{
    /// <summary>A partial of the crime snapshot (<see cref="WindowedAnalysis.CrimeSnapshotName"/>).</summary>
    public PanePartial(int partition, DateTimeOffset paneStart, CrimeCounts counts)
        : this(partition, paneStart, WindowedAnalysis.CrimeSnapshotName, (counts ?? throw new ArgumentNullException(nameof(counts))).Total, counts)
    {
    }

    /// <summary>The accumulator of a crime snapshot partial.</summary>
    /// <exception cref="InvalidCastException">The partial is of another analysis.</exception>
    public CrimeCounts Counts => (CrimeCounts)Accumulator;
}
