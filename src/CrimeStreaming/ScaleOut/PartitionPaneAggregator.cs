namespace CrimeStreaming.ScaleOut;

/// <summary>
/// Aggregates one partition of the input topic into hour panes by report time, with the partition's own watermark
/// (the greatest report time seen in it minus the allowed disorder), as Flink and Kafka Streams keep event time per
/// partition: how partitions interleave at the consumer cannot make a report late.
/// </summary>
/// <remarks>
/// <para>A pane closes once the watermark reaches its end and is then handed out as a <see cref="PanePartial"/> (panes
/// without reports are not). A report whose pane has closed is late: counted in <see cref="LateCount"/>, not aggregated.</para>
/// <para><see cref="CommitOffset"/> is the first offset of the oldest open pane: committing no further means that whoever
/// resumes the partition (after a crash or a rebalance) re-reads every report of every open pane and recomputes whole
/// partials. Resume with <see cref="CloseThrough"/> set from the published progress so late decisions stay the same.</para>
/// <para>Not thread-safe: one partition is processed by one consumer loop.</para>
/// </remarks>
public sealed class PartitionPaneAggregator
{
    private readonly SortedDictionary<long, (CrimeCounts Counts, long FirstOffset)> _open = [];
    private readonly Func<CrimeRecord, bool> _isNear;
    private readonly long _disorder;
    private long _maxSeen = long.MinValue;
    private long _closedThrough = long.MinValue;
    private long _nextOffset = -1;

    /// <summary>Creates the aggregator of one partition.</summary>
    /// <param name="partition">The partition.</param>
    /// <param name="allowedDisorder">How far behind the partition's latest report time a report may come and still count; not negative.</param>
    /// <param name="isNear">Whether a record counts as near the place of interest.</param>
    public PartitionPaneAggregator(int partition, TimeSpan allowedDisorder, Func<CrimeRecord, bool> isNear)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(partition);
        ArgumentNullException.ThrowIfNull(isNear);
        if (allowedDisorder < TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(allowedDisorder), allowedDisorder, "The allowed disorder must not be negative.");
        }

        Partition = partition;
        _disorder = allowedDisorder.Ticks;
        _isNear = isNear;
    }

    /// <summary>The partition.</summary>
    public int Partition { get; }

    /// <summary>Reports that came after their pane had closed.</summary>
    public long LateCount { get; private set; }

    /// <summary>Reports aggregated.</summary>
    public long Counted { get; private set; }

    /// <summary>Whether the partition has ended (see <see cref="End"/>).</summary>
    public bool IsEnded { get; private set; }

    /// <summary>Every pane ending at or before this instant is closed; <see langword="null"/> before any is.</summary>
    public DateTimeOffset? ClosedThrough => _closedThrough switch
    {
        long.MinValue => null,
        long.MaxValue => DateTimeOffset.MaxValue,
        var ticks => new DateTimeOffset(ticks, TimeSpan.Zero),
    };

    /// <summary>
    /// The offset to commit: the first offset of the oldest open pane, or the next offset to read when no pane is open;
    /// <see langword="null"/> before anything was read.
    /// </summary>
    public long? CommitOffset
    {
        get
        {
            if (_nextOffset < 0)
            {
                return null;
            }

            var first = _nextOffset;
            foreach (var (_, pane) in _open)
            {
                first = Math.Min(first, pane.FirstOffset);
            }

            return first;
        }
    }

    /// <summary>Adds a report read at <paramref name="offset"/>; closed panes are appended to <paramref name="closed"/>.</summary>
    /// <returns><see langword="false"/> when the report was late.</returns>
    public bool Add(CrimeReport report, long offset, ICollection<PanePartial> closed)
    {
        ArgumentNullException.ThrowIfNull(report);
        ArgumentNullException.ThrowIfNull(closed);
        Skip(offset);
        var t = report.ReportTime.UtcTicks;
        var pane = Panes.StartTicks(t);
        if (IsEnded || pane + Panes.Length.Ticks <= _closedThrough)
        {
            LateCount++;
            return false;
        }

        if (!_open.TryGetValue(pane, out var open))
        {
            open = (new CrimeCounts(), offset);
            _open[pane] = open;
        }

        open.Counts.Add(report.Record, _isNear(report.Record));
        Counted++;
        if (t > _maxSeen)
        {
            _maxSeen = t;
            var watermark = _maxSeen - _disorder;
            if (watermark > 0)
            {
                CloseThrough(new DateTimeOffset(Panes.StartTicks(watermark), TimeSpan.Zero), closed);
            }
        }

        return true;
    }

    /// <summary>Records that <paramref name="offset"/> was read but held no report (e.g. an invalid message).</summary>
    public void Skip(long offset)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        _nextOffset = Math.Max(_nextOffset, offset + 1);
    }

    /// <summary>
    /// Closes every pane ending at or before <paramref name="closedThrough"/> (an hour boundary; later instants are
    /// rounded down). Used by the watermark, and to resume a partition where its published progress left it.
    /// </summary>
    public void CloseThrough(DateTimeOffset closedThrough, ICollection<PanePartial> closed)
    {
        ArgumentNullException.ThrowIfNull(closed);
        var through = closedThrough == DateTimeOffset.MaxValue ? long.MaxValue : Panes.StartTicks(closedThrough.UtcTicks);
        if (through <= _closedThrough)
        {
            return;
        }

        _closedThrough = through;
        while (_open.Count > 0)
        {
            var (start, pane) = _open.First();
            if (start + Panes.Length.Ticks > through)
            {
                break;
            }

            _open.Remove(start);
            closed.Add(new PanePartial(Partition, new DateTimeOffset(start, TimeSpan.Zero), pane.Counts));
        }
    }

    /// <summary>The partition ended (every producer marked its end): closes every open pane.</summary>
    public void End(ICollection<PanePartial> closed)
    {
        CloseThrough(DateTimeOffset.MaxValue, closed);
        IsEnded = true;
    }
}
