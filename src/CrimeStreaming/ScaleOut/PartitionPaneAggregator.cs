namespace CrimeStreaming.ScaleOut;

/// <summary>
/// Aggregates one partition of the input topic into panes by report time (one accumulator per analysis and pane), with the partition's own watermark, as
/// Flink and Kafka Streams keep event time per partition: how partitions interleave at the consumer cannot make a report
/// late.
/// </summary>
/// <remarks>
/// <para>The watermark is the smallest, over the replay shards still running, of the greatest report time seen from that
/// shard, minus the allowed disorder (one shard: the partition's greatest report time minus the disorder). Shards that
/// replay independently (as fast as possible, each on its own clock) interleave arbitrarily in a partition; the
/// watermark of the slowest one is what they all have passed. A shard not seen yet holds the watermark back until its
/// first report or its end marker.</para>
/// <para>A pane closes once the watermark reaches its end and is then handed out as one <see cref="PanePartial"/> per
/// analysis, in the order of the analyses (panes without reports are not). A report whose pane has closed is late: counted in <see cref="LateCount"/>, not aggregated.</para>
/// <para>Its whole state is a function of the partition's messages in order: <see cref="Snapshot"/> takes it (open
/// panes included), and whoever resumes the partition (after a crash or a rebalance) restores it with
/// <see cref="Restore(PartitionSnapshot)"/> and reads on from <see cref="PartitionSnapshot.NextOffset"/>, continuing
/// exactly as the previous owner would have — the same partials, the same late reports.</para>
/// <para>Not thread-safe: one partition is processed by one consumer loop.</para>
/// </remarks>
public sealed class PartitionPaneAggregator
{
    private readonly SortedDictionary<long, OpenPane> _open = [];
    private readonly WindowedAnalysis[] _analyses;
    private readonly long _pane;
    private readonly long _disorder;
    private long[] _maxSeen = [long.MinValue];
    private bool[] _shardEnded = [false];
    private long _closedThrough = long.MinValue;
    private long _nextOffset = -1;

    /// <summary>Creates the aggregator of one partition for the crime snapshot alone, on hour panes.</summary>
    /// <param name="partition">The partition.</param>
    /// <param name="allowedDisorder">How far behind the partition's latest report time a report may come and still count; not negative.</param>
    /// <param name="isNear">Whether a record counts as near the place of interest.</param>
    public PartitionPaneAggregator(int partition, TimeSpan allowedDisorder, Func<CrimeRecord, bool> isNear)
        : this(partition, allowedDisorder, [WindowedAnalysis.CrimeSnapshot([1], isNear ?? throw new ArgumentNullException(nameof(isNear)))], Panes.Length)
    {
    }

    /// <summary>Creates the aggregator of one partition for <paramref name="analyses"/>.</summary>
    /// <param name="partition">The partition.</param>
    /// <param name="allowedDisorder">How far behind the partition's latest report time a report may come and still count; not negative.</param>
    /// <param name="analyses">The analyses, with distinct names; each closed pane yields one partial per analysis, in this order.</param>
    /// <param name="paneLength">The pane length; positive.</param>
    public PartitionPaneAggregator(int partition, TimeSpan allowedDisorder, IEnumerable<WindowedAnalysis> analyses, TimeSpan paneLength)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(partition);
        ArgumentNullException.ThrowIfNull(analyses);
        if (allowedDisorder < TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(allowedDisorder), allowedDisorder, "The allowed disorder must not be negative.");
        }

        if (paneLength <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(paneLength), paneLength, "The pane length must be positive.");
        }

        _analyses = analyses.ToArray();
        if (_analyses.Length == 0 || _analyses.Select(a => a.Name).Distinct(StringComparer.Ordinal).Count() != _analyses.Length)
        {
            throw new ArgumentException("At least one analysis is needed, and their names must differ.", nameof(analyses));
        }

        Partition = partition;
        _disorder = allowedDisorder.Ticks;
        _pane = paneLength.Ticks;
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
            open += pane.Reports;
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
        var open = new List<PanePartial>(_open.Count * _analyses.Length);
        foreach (var (start, pane) in _open)
        {
            open.AddRange(pane.Partials(Partition, start, _analyses, copy: true));
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
        foreach (var group in snapshot.OpenPanes.GroupBy(p => p.PaneStart.UtcTicks))
        {
            var start = Panes.StartTicks(group.Key, _pane);
            var partials = group.ToArray();
            var names = partials.Select(p => p.Analysis).ToArray();
            if (partials.Any(p => p.Partition != Partition) || start != group.Key || start + _pane <= closedThrough
                || !names.SequenceEqual(_analyses.Select(a => a.Name)) || partials.Any(p => p.Reports != partials[0].Reports || p.Reports < 1))
            {
                _open.Clear();
                throw new ArgumentException($"The snapshot's open pane {group.First().PaneStart:O} of partition {group.First().Partition} is closed, of another partition, not on a pane boundary, or does not hold one partial of each analysis ({string.Join(", ", _analyses.Select(a => a.Name))}) with the same report count.", nameof(snapshot));
            }

            var pane = new OpenPane(_analyses.Length) { Reports = partials[0].Reports };
            for (var i = 0; i < _analyses.Length; i++)
            {
                pane.Accumulators[i] = _analyses[i].Copy(partials[i].Accumulator);
            }

            _open[start] = pane;
            inPanes += pane.Reports;
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
        var pane = Panes.StartTicks(t, _pane);
        var paneClosed = IsEnded || pane + _pane <= _closedThrough;
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
    /// Closes every pane ending at or before <paramref name="closedThrough"/> (a pane boundary; later instants are
    /// rounded down).
    /// </summary>
    public void CloseThrough(DateTimeOffset closedThrough, ICollection<PanePartial> closed)
    {
        ArgumentNullException.ThrowIfNull(closed);
        var through = closedThrough == DateTimeOffset.MaxValue ? long.MaxValue : Panes.StartTicks(closedThrough.UtcTicks, _pane);
        if (through <= _closedThrough)
        {
            return;
        }

        _closedThrough = through;
        while (_open.Count > 0)
        {
            var (start, pane) = _open.First();
            if (start + _pane > through)
            {
                break;
            }

            _open.Remove(start);
            foreach (var partial in pane.Partials(Partition, start, _analyses, copy: false))
            {
                closed.Add(partial);
            }
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
            open = new OpenPane(_analyses.Length);
            for (var i = 0; i < _analyses.Length; i++)
            {
                open.Accumulators[i] = _analyses[i].CreateAccumulator();
            }

            _open[pane] = open;
        }

        for (var i = 0; i < _analyses.Length; i++)
        {
            open.Accumulators[i] = _analyses[i].Add(open.Accumulators[i], report);
        }

        open.Reports++;
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
            CloseThrough(new DateTimeOffset(Panes.StartTicks(watermark, _pane), TimeSpan.Zero), closed);
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

    /// <summary>A pane still open: its reports and each analysis' accumulator of them.</summary>
    private sealed class OpenPane(int analyses)
    {
        public long Reports { get; set; }

        public object[] Accumulators { get; } = new object[analyses];

        public IEnumerable<PanePartial> Partials(int partition, long start, WindowedAnalysis[] analyses, bool copy)
        {
            var paneStart = new DateTimeOffset(start, TimeSpan.Zero);
            for (var i = 0; i < analyses.Length; i++)
            {
                var accumulator = copy ? analyses[i].Copy(Accumulators[i]) : Accumulators[i];
                yield return new PanePartial(partition, paneStart, analyses[i].Name, Reports, accumulator);
            }
        }
    }
}
