namespace CrimeStreaming.ScaleOut;

/// <summary>
/// One partition's counts for one pane of event time (an hour of report times): the unit an analysis instance
/// publishes and a <see cref="GlobalWindowMerger"/> adds up. Windows of 1, 6 or 12 hours are sums of consecutive panes.
/// </summary>
/// <param name="Partition">The input topic's partition the counts come from.</param>
/// <param name="PaneStart">The pane's start (UTC, on the hour).</param>
/// <param name="Counts">The reports of that partition whose report time falls in the pane.</param>
public sealed record PanePartial(int Partition, DateTimeOffset PaneStart, CrimeCounts Counts);
