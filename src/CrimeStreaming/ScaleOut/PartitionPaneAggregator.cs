namespace CrimeStreaming.ScaleOut;

/// <summary>
/// Aggregates one partition of the input topic into hour panes by report time, with the partition's own watermark, as
/// Flink and Kafka Streams keep event time per partition: how partitions interleave at the consumer cannot make a report
/// late.
/// </summary>
/// <remarks>
/// <para>The watermark is the smallest, over the replay shards still running, of the greatest report time seen from that
/// shard, minus the allowed disorder (one shard: the partition's greatest report time minus the disorder). Shards that
/// replay independently (as fast as possible, each on its own clock) interleave arbitrarily in a partition; the
/// watermark of the slowest one is what they all have passed. A shard not seen yet holds the watermark back until its
/// first report or its end marker.</para>
/// <para>A pane closes once the watermark reaches its end and is then handed out as a <see cref="PanePartial"/> (panes
/// without reports are not). A report whose pane has closed is late: counted in <see cref="LateCount"/>, not aggregated.</para>
/// <para>Its whole state is a function of the partition's messages in order: <see cref="Snapshot"/> takes it (open
/// panes included), and whoever resumes the partition (after a crash or a rebalance) restores it with
/// <see cref="Restore(PartitionSnapshot)"/> and reads on from <see cref="PartitionSnapshot.NextOffset"/>, continuing
/// exactly as the previous owner would have — the same partials, the same late reports.</para>
/// <para>Not thread-safe: one partition is processed by one consumer loop.</para>
/// </remarks>
public sealed class PartitionPaneAggregator
{
    private readonly SortedDictionary<long, CrimeCounts> _open = [];
    private readonly Func<CrimeRecord, bool> _isNear;
    private readonly long _disorder;
    private long[] _maxSeen = [long.MinValue];
    private bool[] _shardEnded = [false];
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

    /// <summary>Whether the partition has ended: every shard's end marker was read (see <see cref="EndShard"/>).</summary>
    public bool IsEnded { get; private set; }

    /// <summary>Every pane ending at or before this instant is closed; <see langword="null"/> before any is.</summary>
    public DateTimeOffset? ClosedThrough => ToTime(_closedThrough);

    /// <summary>The next offset to read; -1 before anything was read.</summary>
    public long NextOffset => _nextOffset;

    /// <summary>The partition's progress in figures, published with its <see cref="PartitionProgress"/> for the merger's summary.</summary>
    /// <remarks>Its <see cref="PartitionCheckpoint.Counted"/> leaves out the reports of open panes: they count once their pane is published.</remarks>
    public PartitionCheckpoint Checkpoint()
    {
        long open = 0;
        foreach (var pane in _open.Values)
        {
            open += pane.Total;
        }

        return new(_nextOffset, ClosedThrough, _maxSeen.Select(ToTime).ToArray(), _shardEnded.ToArray(), Counted - open, LateCount);
    }

    /// <summary>
    /// The whole state of the partition (open panes included, their counts copied): restored by
    /// <see cref="Restore(PartitionSnapshot)"/>, it continues exactly where this aggregator stands, without re-reading
    /// anything before <see cref="NextOffset"/>.
    /// </summary>
    public PartitionSnapshot Snapshot()
    {
        var open = new List<PanePartial>(_open.Count);
        foreach (var (start, pane) in _open)
        {
            var copy = new CrimeCounts();
            copy.Add(pane);
            open.Add(new PanePartial(Partition, new DateTimeOffset(start, TimeSpan.Zero), copy));
        }

        return new PartitionSnapshot(Partition, _nextOffset, ClosedThrough, _maxSeen.Select(ToTime).ToArray(), _shardEnded.ToArray(), Counted, LateCount, open);
    }

    /// <summary>
    /// Continues from a <see cref="Snapshot"/> of this partition (taken by this or another instance). Call before the
    /// first report, then read from <see cref="PartitionSnapshot.NextOffset"/>.
    /// </summary>
    /// <exception cref="ArgumentException">The snapshot is of another partition, or inconsistent.</exception>
    /// <exception cref="InvalidOperationException">This aggregator has read something already.</exception>
    public void Restore(PartitionSnapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        if (_nextOffset >= 0 || Counted > 0)
        {
            throw new InvalidOperationException("Restore a partition before reading it.");
        }

        if (snapshot.Partition != Partition)
        {
            throw new ArgumentException($"The snapshot is of partition {snapshot.Partition}, not {Partition}.", nameof(snapshot));
        }

        if (snapshot.ShardMaxSeen.Count == 0 || snapshot.ShardMaxSeen.Count != snapshot.ShardEnded.Count)
        {
            throw new ArgumentException("A snapshot needs one entry per shard in ShardMaxSeen and ShardEnded.", nameof(snapshot));
        }

        var closedThrough = snapshot.ClosedThrough is { } c ? (c == DateTimeOffset.MaxValue ? long.MaxValue : c.UtcTicks) : long.MinValue;
        long inPanes = 0;
        foreach (var pane in snapshot.OpenPanes)
        {
            var start = Panes.StartTicks(pane.PaneStart.UtcTicks);
            if (pane.Partition != Partition || start != pane.PaneStart.UtcTicks || start + Panes.Length.Ticks <= closedThrough || _open.ContainsKey(start))
            {
                _open.Clear();
                throw new ArgumentException($"The snapshot's open pane {pane.PaneStart:O} of partition {pane.Partition} is closed, repeated, of another partition or not on the hour.", nameof(snapshot));
            }

            var counts = new CrimeCounts();
            counts.Add(pane.Counts);
            _open[start] = counts;
            inPanes += counts.Total;
        }

        if (inPanes > snapshot.Counted || snapshot.Late < 0)
        {
            _open.Clear();
            throw new ArgumentException($"The snapshot counts {snapshot.Counted} reports but its open panes hold {inPanes}.", nameof(snapshot));
        }

        _nextOffset = snapshot.NextOffset;
        _closedThrough = closedThrough;
        _maxSeen = snapshot.ShardMaxSeen.Select(t => t?.UtcTicks ?? long.MinValue).ToArray();
        _shardEnded = snapshot.ShardEnded.ToArray();
        Counted = snapshot.Counted;
        LateCount = snapshot.Late;
        IsEnded = _shardEnded.All(e => e);
    }

    /// <summary>Adds a report read at <paramref name="offset"/> from shard 1 of 1; closed panes are appended to <paramref name="closed"/>.</summary>
    /// <returns><see langword="false"/> when the report was late.</returns>
    public bool Add(CrimeReport report, long offset, ICollection<PanePartial> closed) => Add(report, offset, ReplayShard.Whole, closed);

    /// <summary>Adds a report of replay shard <paramref name="shard"/> read at <paramref name="offset"/>; closed panes are appended to <paramref name="closed"/>.</summary>
    /// <returns><see langword="false"/> when the report was late.</returns>
    public bool Add(CrimeReport report, long offset, ReplayShard shard, ICollection<PanePartial> closed)
    {
        ArgumentNullException.ThrowIfNull(report);
        ArgumentNullException.ThrowIfNull(closed);
        var s = ShardSlot(shard);
        Skip(offset);
        var t = report.ReportTime.UtcTicks;
        var pane = Panes.StartTicks(t);
        var paneClosed = IsEnded || pane + Panes.Length.Ticks <= _closedThrough;
        if (paneClosed)
        {
            LateCount++;
            return false;
        }

        Aggregate(report, pane);
        if (t > _maxSeen[s])
        {
            _maxSeen[s] = t;
            Advance(closed);
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
    /// Reads the end marker of <paramref name="shard"/> at <paramref name="offset"/>: the shard no longer holds the
    /// watermark back; once every shard has ended, the partition ends and every open pane closes.
    /// </summary>
    /// <returns><see langword="true"/> when this marker ended the partition.</returns>
    public bool EndShard(ReplayShard shard, long offset, ICollection<PanePartial> closed)
    {
        ArgumentNullException.ThrowIfNull(closed);
        var s = ShardSlot(shard);
        Skip(offset);
        if (IsEnded || _shardEnded[s])
        {
            return false;
        }

        _shardEnded[s] = true;
        if (_shardEnded.All(e => e))
        {
            End(closed);
            return true;
        }

        Advance(closed);
        return false;
    }

    /// <summary>
    /// Closes every pane ending at or before <paramref name="closedThrough"/> (an hour boundary; later instants are
    /// rounded down).
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
            closed.Add(new PanePartial(Partition, new DateTimeOffset(start, TimeSpan.Zero), pane));
        }
    }

    /// <summary>The partition ended (every producer marked its end): closes every open pane.</summary>
    public void End(ICollection<PanePartial> closed)
    {
        CloseThrough(DateTimeOffset.MaxValue, closed);
        Array.Fill(_shardEnded, true);
        IsEnded = true;
    }

    private void Aggregate(CrimeReport report, long pane)
    {
        if (!_open.TryGetValue(pane, out var open))
        {
            open = new CrimeCounts();
            _open[pane] = open;
        }

        open.Add(report.Record, _isNear(report.Record));
        Counted++;
    }

    private void Advance(ICollection<PanePartial> closed)
    {
        var slowest = long.MaxValue;
        for (var i = 0; i < _maxSeen.Length; i++)
        {
            if (!_shardEnded[i])
            {
                slowest = Math.Min(slowest, _maxSeen[i]);
            }
        }

        if (slowest == long.MinValue || slowest == long.MaxValue)
        {
            return; // a shard not seen yet holds the watermark; all ended is End's to handle
        }

        var watermark = slowest - _disorder;
        if (watermark > 0)
        {
            CloseThrough(new DateTimeOffset(Panes.StartTicks(watermark), TimeSpan.Zero), closed);
        }
    }

    private int ShardSlot(ReplayShard shard)
    {
        if (shard.Count < 1 || shard.Index < 1 || shard.Index > shard.Count)
        {
            throw new ArgumentOutOfRangeException(nameof(shard), shard, "A shard is i/k with 1 ≤ i ≤ k.");
        }

        if (shard.Count != _maxSeen.Length)
        {
            if (_nextOffset >= 0)
            {
                throw new InvalidOperationException($"Partition {Partition} was replayed by {_maxSeen.Length} shard(s), now a message says {shard}: every producer of one run must use the same shard count.");
            }

            _maxSeen = Enumerable.Repeat(long.MinValue, shard.Count).ToArray();
            _shardEnded = new bool[shard.Count];
        }

        return shard.Index - 1;
    }

    private static DateTimeOffset? ToTime(long ticks) => ticks switch
    {
        long.MinValue => null,
        long.MaxValue => DateTimeOffset.MaxValue,
        _ => new DateTimeOffset(ticks, TimeSpan.Zero),
    };
}
