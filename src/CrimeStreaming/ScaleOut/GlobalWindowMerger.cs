using System.Security.Cryptography;
using System.Text;

namespace CrimeStreaming.ScaleOut;

/// <summary>
/// Merges the per-partition pane partials of every analysis instance into global sliding windows (1, 6 and 12 hours,
/// sliding by one hour, by default), emitting each window once every partition's watermark has passed its end: the
/// results do not depend on how many instances computed the partials, nor on how partitions interleaved.
/// </summary>
/// <remarks>
/// <para>The global watermark is the minimum of the partitions' <see cref="PartitionProgress.ClosedThrough"/>; ended
/// partitions do not hold it back, idle ones neither (while idle); a partition without any progress yet holds it at the
/// beginning of time. When every partition has ended, the remaining windows are emitted and the merger is complete.</para>
/// <para>A window is emitted only if it holds reports, so whether it is emitted is decided by the data alone. Results
/// come in order of window end, then length; <see cref="Digest"/> hashes them in that order.</para>
/// <para>Duplicate partials (redelivery, an instance that recomputed a partition after a rebalance) are dropped; see
/// <see cref="PartialOutcome"/>. Not thread-safe: feed it from one reader.</para>
/// </remarks>
public sealed class GlobalWindowMerger : IDisposable
{
    private readonly int[] _hours;
    private readonly int _top;
    private readonly long[] _closedThrough;
    private readonly PartitionState?[] _states;
    private readonly PartitionCheckpoint?[] _checkpoints;
    private readonly SortedDictionary<long, CrimeCounts> _panes = [];
    private readonly Dictionary<(long Pane, int Partition), ulong> _seen = [];
    private readonly IncrementalHash _digest = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    private long _emittedThrough = long.MinValue;
    private long _lastData = long.MinValue;
    private long _accepted;
    private long _duplicates;
    private long _conflicting;
    private long _late;
    private long _foreign;
    private long _windows;

    /// <summary>Creates a merger for a topic of <paramref name="partitionCount"/> partitions.</summary>
    /// <param name="partitionCount">The input topic's partitions.</param>
    /// <param name="windowHours">Window lengths in hours. The default value is 1, 6 and 12.</param>
    /// <param name="top">How many crime types and areas each result lists. The default value is 5.</param>
    public GlobalWindowMerger(int partitionCount, IEnumerable<int>? windowHours = null, int top = 5)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(partitionCount, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(top, 1);
        _hours = (windowHours ?? [1, 6, 12]).Distinct().Order().ToArray();
        if (_hours.Length == 0 || _hours[0] < 1 || _hours[^1] > 24 * 366)
        {
            throw new ArgumentOutOfRangeException(nameof(windowHours), "Window lengths must be between 1 hour and a year, and at least one is needed.");
        }

        _top = top;
        PartitionCount = partitionCount;
        _closedThrough = Enumerable.Repeat(long.MinValue, partitionCount).ToArray();
        _states = new PartitionState?[partitionCount];
        _checkpoints = new PartitionCheckpoint?[partitionCount];
    }

    /// <summary>The input topic's partitions.</summary>
    public int PartitionCount { get; }

    /// <summary>Whether every partition has ended and every window has been emitted.</summary>
    public bool IsComplete => _states.All(s => s == PartitionState.Ended);

    /// <summary>The SHA-256 (hex) of the results emitted so far, in canonical order: compare runs with it.</summary>
    public string Digest => Convert.ToHexString(_digest.GetCurrentHash()).ToLowerInvariant();

    /// <summary>Counts so far.</summary>
    public MergeSummary Summary => new()
    {
        Accepted = _accepted,
        Duplicates = _duplicates,
        Conflicting = _conflicting,
        Late = _late,
        Foreign = _foreign,
        Windows = _windows,
        Reports = _checkpoints.Sum(c => c?.Counted ?? 0),
        LateReports = _checkpoints.Sum(c => c?.Late ?? 0),
        Complete = IsComplete,
        Digest = Digest,
    };

    /// <summary>Adds one partition's counts for one pane.</summary>
    public PartialOutcome Add(PanePartial partial)
    {
        ArgumentNullException.ThrowIfNull(partial);
        if (partial.Partition < 0 || partial.Partition >= PartitionCount)
        {
            _foreign++;
            return PartialOutcome.Foreign;
        }

        var pane = Panes.StartTicks(partial.PaneStart.UtcTicks);
        var fingerprint = Fingerprint(partial.Counts);
        if (_seen.TryGetValue((pane, partial.Partition), out var first))
        {
            if (first == fingerprint)
            {
                _duplicates++;
                return PartialOutcome.Duplicate;
            }

            _conflicting++;
            return PartialOutcome.Conflicting;
        }

        _seen[(pane, partial.Partition)] = fingerprint;
        if (_emittedThrough != long.MinValue && pane + Panes.Length.Ticks <= _emittedThrough)
        {
            _late++;
            return PartialOutcome.Late;
        }

        if (!_panes.TryGetValue(pane, out var counts))
        {
            counts = new CrimeCounts();
            _panes[pane] = counts;
        }

        counts.Add(partial.Counts);
        _lastData = Math.Max(_lastData, pane);
        _accepted++;
        return PartialOutcome.Accepted;
    }

    /// <summary>Records a partition's progress and returns the global windows it completes, in order.</summary>
    public IReadOnlyList<GlobalWindowResult> Add(PartitionProgress progress)
    {
        ArgumentNullException.ThrowIfNull(progress);
        if (progress.Partition < 0 || progress.Partition >= PartitionCount || progress.PartitionCount != PartitionCount)
        {
            _foreign++;
            return [];
        }

        var p = progress.Partition;
        if (progress.Checkpoint is { } checkpoint && (_checkpoints[p] is not { } known || checkpoint.NextOffset >= known.NextOffset))
        {
            _checkpoints[p] = checkpoint;
        }

        if (_states[p] == PartitionState.Ended)
        {
            return []; // an instance that recomputed an ended partition repeats what is already known
        }

        _states[p] = progress.State;
        var through = progress.State == PartitionState.Ended || progress.ClosedThrough == DateTimeOffset.MaxValue
            ? long.MaxValue
            : Panes.StartTicks(progress.ClosedThrough.UtcTicks);
        _closedThrough[p] = Math.Max(_closedThrough[p], through);
        return Emit();
    }

    /// <summary>The last checkpoint published for <paramref name="partition"/>, from which a new owner continues.</summary>
    public PartitionCheckpoint? LatestCheckpoint(int partition) =>
        partition >= 0 && partition < PartitionCount ? _checkpoints[partition] : null;

    /// <summary>The state last published for <paramref name="partition"/>; <see langword="null"/> before any progress.</summary>
    public PartitionState? StateOf(int partition) =>
        partition >= 0 && partition < PartitionCount ? _states[partition] : null;

    /// <summary>Releases the digest's hash.</summary>
    public void Dispose() => _digest.Dispose();

    private IReadOnlyList<GlobalWindowResult> Emit()
    {
        var watermark = long.MaxValue;
        var anyActive = false;
        for (var p = 0; p < PartitionCount; p++)
        {
            switch (_states[p])
            {
                case null:
                    return [];
                case PartitionState.Active:
                    anyActive = true;
                    watermark = Math.Min(watermark, _closedThrough[p]);
                    break;
                case PartitionState.Idle:
                    break;
            }
        }

        var complete = IsComplete;
        if (!anyActive && !complete)
        {
            return []; // only idle and ended partitions: event time does not move on its own
        }

        var hour = Panes.Length.Ticks;
        var maxLength = _hours[^1] * hour;
        if (complete)
        {
            watermark = _lastData == long.MinValue ? long.MinValue : _lastData + maxLength;
        }

        var results = new List<GlobalWindowResult>();
        var end = _emittedThrough == long.MinValue ? long.MinValue : _emittedThrough + hour;
        while (_panes.Count > 0)
        {
            // Skip the hours whose windows would be empty: the next window with reports ends an hour after the oldest pane kept.
            var oldest = _panes.First().Key;
            end = Math.Max(end, oldest + hour);
            if (end > watermark)
            {
                break;
            }

            foreach (var hours in _hours)
            {
                var counts = Sum(end - (hours * hour), end);
                if (counts.Total > 0)
                {
                    var result = new GlobalWindowResult(hours, counts.ToSnapshot(new DateTimeOffset(end - (hours * hour), TimeSpan.Zero), new DateTimeOffset(end, TimeSpan.Zero), _top));
                    _digest.AppendData(Encoding.UTF8.GetBytes(result.ToCanonicalString() + "\n"));
                    results.Add(result);
                    _windows++;
                }
            }

            _emittedThrough = end;
            end += hour;
            while (_panes.Count > 0 && _panes.First().Key + maxLength < end)
            {
                _panes.Remove(_panes.First().Key); // no later window reaches back this far
            }
        }

        if (watermark != long.MinValue && watermark > _emittedThrough && (watermark != long.MaxValue))
        {
            _emittedThrough = watermark; // every window ending by the watermark is settled, emitted or empty
        }

        return results;
    }

    private CrimeCounts Sum(long from, long to)
    {
        var sum = new CrimeCounts();
        foreach (var (start, counts) in _panes)
        {
            if (start >= to)
            {
                break;
            }

            if (start >= from)
            {
                sum.Add(counts);
            }
        }

        return sum;
    }

    private static ulong Fingerprint(CrimeCounts counts)
    {
        var text = new StringBuilder();
        text.Append(counts.Total).Append('/').Append(counts.Near);
        foreach (var (key, count) in counts.Types.OrderBy(k => k.Key, StringComparer.Ordinal))
        {
            text.Append('|').Append(key).Append('=').Append(count);
        }

        text.Append('#');
        foreach (var (key, count) in counts.Areas.OrderBy(k => k.Key, StringComparer.Ordinal))
        {
            text.Append('|').Append(key).Append('=').Append(count);
        }

        return BitConverter.ToUInt64(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())));
    }
}
