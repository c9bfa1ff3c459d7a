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
/// <para><see cref="CommitOffset"/> is the first offset of the oldest open pane, published in every checkpoint as its
/// <see cref="PartitionCheckpoint.RecoveryOffset"/> (or committed as such): whoever resumes the partition (after a crash
/// or a rebalance) reads from there, re-reads every report of every open pane and recomputes whole partials. It resumes
/// with <see cref="Restore"/> from the last published <see cref="Checkpoint"/>: reports before the checkpoint's offset
/// that fall in closed panes were already published (or counted late) and are skipped; the rest continues exactly as the
/// previous owner would have.</para>
/// <para>Not thread-safe: one partition is processed by one consumer loop.</para>
/// </remarks>
public sealed class PartitionPaneAggregator
{
    private readonly SortedDictionary<long, (CrimeCounts Counts, long FirstOffset)> _open = [];
    private readonly Func<CrimeRecord, bool> _isNear;
    private readonly long _disorder;
    private long[] _maxSeen = [long.MinValue];
    private bool[] _shardEnded = [false];
    private long _closedThrough = long.MinValue;
    private long _nextOffset = -1;
    private long _replayedBelow = -1;
    private long? _recoveryFloor;

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

    /// <summary>Reports read again after a restore that the previous owner had already published or counted late.</summary>
    public long Replayed { get; private set; }

    /// <summary>Whether the partition has ended: every shard's end marker was read (see <see cref="EndShard"/>).</summary>
    public bool IsEnded { get; private set; }

    /// <summary>Every pane ending at or before this instant is closed; <see langword="null"/> before any is.</summary>
    public DateTimeOffset? ClosedThrough => ToTime(_closedThrough);

    /// <summary>The next offset to read; -1 before anything was read.</summary>
    public long NextOffset => _nextOffset;

    /// <summary>
    /// The offset to recover from: the first offset of the oldest open pane, or the next offset to read when no pane is
    /// open; after a restore and before any read, the checkpoint's recovery offset; otherwise <see langword="null"/>
    /// before anything was read.
    /// </summary>
    public long? CommitOffset
    {
        get
        {
            if (_nextOffset < 0)
            {
                return _recoveryFloor; // restored, nothing read yet: where the checkpoint said to start
            }

            var first = _nextOffset;
            foreach (var (_, pane) in _open)
            {
                first = Math.Min(first, pane.FirstOffset);
            }

            return first;
        }
    }

    /// <summary>The state to publish so that another instance can take the partition over (see <see cref="Restore"/>).</summary>
    /// <remarks>Its <see cref="PartitionCheckpoint.Counted"/> leaves out the reports of open panes: whoever restores it
    /// re-reads and counts those again.</remarks>
    public PartitionCheckpoint Checkpoint() => new(
        Math.Max(_nextOffset, _replayedBelow),
        ClosedThrough,
        _maxSeen.Select(ToTime).ToArray(),
        _shardEnded.ToArray(),
        Counted - _open.Values.Sum(p => p.Counts.Total),
        LateCount)
    {
        RecoveryOffset = CommitOffset,
    };

    /// <summary>
    /// Continues from a checkpoint published by the partition's previous owner. Call before the first report, then read
    /// from the group's committed offset (never beyond <see cref="PartitionCheckpoint.NextOffset"/>).
    /// </summary>
    public void Restore(PartitionCheckpoint checkpoint)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        if (_nextOffset >= 0 || Counted > 0)
        {
            throw new InvalidOperationException("Restore a partition before reading it.");
        }

        if (checkpoint.ShardMaxSeen.Count == 0 || checkpoint.ShardMaxSeen.Count != checkpoint.ShardEnded.Count)
        {
            throw new ArgumentException("A checkpoint needs one entry per shard in ShardMaxSeen and ShardEnded.", nameof(checkpoint));
        }

        _replayedBelow = checkpoint.NextOffset;
        _recoveryFloor = checkpoint.RecoveryOffset;
        _closedThrough = checkpoint.ClosedThrough is { } c ? (c == DateTimeOffset.MaxValue ? long.MaxValue : c.UtcTicks) : long.MinValue;
        _maxSeen = checkpoint.ShardMaxSeen.Select(t => t?.UtcTicks ?? long.MinValue).ToArray();
        _shardEnded = checkpoint.ShardEnded.ToArray();
        Counted = checkpoint.Counted;
        LateCount = checkpoint.Late;
        IsEnded = _shardEnded.All(e => e);
    }

    /// <summary>Adds a report read at <paramref name="offset"/> from shard 1 of 1; closed panes are appended to <paramref name="closed"/>.</summary>
    /// <returns><see langword="false"/> when the report was late (or already published before a restore).</returns>
    public bool Add(CrimeReport report, long offset, ICollection<PanePartial> closed) => Add(report, offset, ReplayShard.Whole, closed);

    /// <summary>Adds a report of replay shard <paramref name="shard"/> read at <paramref name="offset"/>; closed panes are appended to <paramref name="closed"/>.</summary>
    /// <returns><see langword="false"/> when the report was late (or already published before a restore).</returns>
    public bool Add(CrimeReport report, long offset, ReplayShard shard, ICollection<PanePartial> closed)
    {
        ArgumentNullException.ThrowIfNull(report);
        ArgumentNullException.ThrowIfNull(closed);
        var s = ShardSlot(shard);
        Skip(offset);
        var t = report.ReportTime.UtcTicks;
        var pane = Panes.StartTicks(t);
        var paneClosed = IsEnded || pane + Panes.Length.Ticks <= _closedThrough;
        if (offset < _replayedBelow)
        {
            // Read before, by the previous owner: what it closed is published; what is still open it never published.
            if (paneClosed)
            {
                Replayed++;
                return false;
            }

            Aggregate(report, offset, pane);
            return true;
        }

        if (paneClosed)
        {
            LateCount++;
            return false;
        }

        Aggregate(report, offset, pane);
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
            closed.Add(new PanePartial(Partition, new DateTimeOffset(start, TimeSpan.Zero), pane.Counts));
        }
    }

    /// <summary>The partition ended (every producer marked its end): closes every open pane.</summary>
    public void End(ICollection<PanePartial> closed)
    {
        CloseThrough(DateTimeOffset.MaxValue, closed);
        Array.Fill(_shardEnded, true);
        IsEnded = true;
    }

    private void Aggregate(CrimeReport report, long offset, long pane)
    {
        if (!_open.TryGetValue(pane, out var open))
        {
            open = (new CrimeCounts(), offset);
            _open[pane] = open;
        }

        open.Counts.Add(report.Record, _isNear(report.Record));
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
            if (_nextOffset >= 0 || _replayedBelow >= 0)
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
