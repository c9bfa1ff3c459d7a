using System.Buffers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace CrimeStreaming.ScaleOut;

/// <summary>
/// Merges the per-partition pane partials of every analysis instance into global windows, for each analysis of the group
/// (the crime snapshot over 1, 6 and 12 hours sliding by one hour, by default), emitting each window once every
/// partition's watermark has passed its end: the results do not depend on how many instances computed the partials, nor
/// on how partitions interleaved.
/// </summary>
/// <remarks>
/// <para>The global watermark is the minimum of the partitions' <see cref="PartitionProgress.ClosedThrough"/>; ended
/// partitions do not hold it back, idle ones neither (while idle); a partition without any progress yet holds it at the
/// beginning of time. When every partition has ended, the remaining windows are emitted and the merger is complete.</para>
/// <para>A window is emitted only if it holds reports, so whether it is emitted is decided by the data alone. Results
/// come analysis by analysis, each in order of window end, then length, then slide; each analysis has its digest
/// (<see cref="DigestOf"/>) of its results in that order, and <see cref="Digest"/> is the crime snapshot's.</para>
/// <para>Duplicate partials (redelivery, an instance that recomputed a partition after a rebalance) are dropped; see
/// <see cref="PartialOutcome"/>. Not thread-safe: feed it from one reader.</para>
/// </remarks>
public sealed class GlobalWindowMerger : IDisposable
{
    private readonly AnalysisPanes[] _analyses;
    private readonly long _pane;
    private readonly long[] _closedThrough;
    private readonly PartitionState?[] _states;
    private readonly PartitionCheckpoint?[] _checkpoints;
    private readonly Dictionary<(string Analysis, long Pane, int Partition), ulong> _seen = [];
    private readonly ArrayBufferWriter<byte> _fingerprintBuffer = new(256);
    private readonly Utf8JsonWriter _fingerprintWriter;
    private long _accepted;
    private long _duplicates;
    private long _conflicting;
    private long _late;
    private long _foreign;

    /// <summary>Creates a merger of the crime snapshot alone, on hour panes, for a topic of <paramref name="partitionCount"/> partitions.</summary>
    /// <param name="partitionCount">The input topic's partitions.</param>
    /// <param name="windowHours">Window lengths in hours, sliding by one hour. The default value is 1, 6 and 12.</param>
    /// <param name="top">How many crime types and areas each result lists. The default value is 5.</param>
#pragma warning disable RS0027 // the crime snapshot's constructor came first; the general one has as many parameters, none optional
    public GlobalWindowMerger(int partitionCount, IEnumerable<int>? windowHours = null, int top = 5)
#pragma warning restore RS0027
        : this(partitionCount, [CrimeSnapshotOf(windowHours, top)], Panes.Length)
    {
    }

    /// <summary>Creates a merger of <paramref name="analyses"/> for a topic of <paramref name="partitionCount"/> partitions.</summary>
    /// <param name="partitionCount">The input topic's partitions.</param>
    /// <param name="analyses">The group's analyses (distinct names), each valid with <paramref name="paneLength"/>.</param>
    /// <param name="paneLength">The group's pane length.</param>
    /// <exception cref="ArgumentException">An analysis is invalid with this pane (see <see cref="WindowedAnalysis.Errors"/>), or two share a name.</exception>
    public GlobalWindowMerger(int partitionCount, IEnumerable<WindowedAnalysis> analyses, TimeSpan paneLength)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(partitionCount, 1);
        ArgumentNullException.ThrowIfNull(analyses);
        if (paneLength <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(paneLength), paneLength, "The pane length must be positive.");
        }

        var list = analyses.ToArray();
        var errors = list.SelectMany(a => a.Errors(paneLength)).ToList();
        errors.AddRange(list.GroupBy(a => a.Name, StringComparer.Ordinal).Where(g => g.Count() > 1).Select(g => $"two analyses are named {g.Key}"));
        if (list.Length == 0)
        {
            errors.Add("at least one analysis is needed");
        }

        if (errors.Count > 0)
        {
            throw new ArgumentException(string.Join("; ", errors), nameof(analyses));
        }

        _fingerprintWriter = new Utf8JsonWriter(_fingerprintBuffer);
        _pane = paneLength.Ticks;
        _analyses = list.Select(a => new AnalysisPanes(a)).ToArray();
        PartitionCount = partitionCount;
        _closedThrough = Enumerable.Repeat(long.MinValue, partitionCount).ToArray();
        _states = new PartitionState?[partitionCount];
        _checkpoints = new PartitionCheckpoint?[partitionCount];
    }

    /// <summary>The input topic's partitions.</summary>
    public int PartitionCount { get; }

    /// <summary>Whether every partition has ended and every window has been emitted.</summary>
    public bool IsComplete => _states.All(s => s == PartitionState.Ended);

    /// <summary>
    /// The SHA-256 (hex) of the crime snapshot's results emitted so far (or of the first analysis', without it), in
    /// canonical order: compare runs with it.
    /// </summary>
    public string Digest => DigestOf((_analyses.FirstOrDefault(a => a.Analysis.Name == WindowedAnalysis.CrimeSnapshotName) ?? _analyses[0]).Analysis.Name);

    /// <summary>The analyses merged, in the order their results come.</summary>
    public IReadOnlyList<WindowedAnalysis> Analyses => _analyses.Select(a => a.Analysis).ToArray();

    /// <summary>Counts so far.</summary>
    public MergeSummary Summary => new()
    {
        Accepted = _accepted,
        Duplicates = _duplicates,
        Conflicting = _conflicting,
        Late = _late,
        Foreign = _foreign,
        Windows = _analyses.Sum(a => a.Windows),
        Reports = _checkpoints.Sum(c => c?.Counted ?? 0),
        LateReports = _checkpoints.Sum(c => c?.Late ?? 0),
        Complete = IsComplete,
        Digest = Digest,
        Digests = _analyses.ToDictionary(a => a.Analysis.Name, a => DigestOf(a.Analysis.Name), StringComparer.Ordinal),
    };

    /// <summary>The SHA-256 (hex) of <paramref name="analysis"/>'s results emitted so far, in canonical order.</summary>
    /// <exception cref="ArgumentException">No analysis has that name.</exception>
    public string DigestOf(string analysis)
    {
        var panes = _analyses.FirstOrDefault(a => a.Analysis.Name == analysis) ?? throw new ArgumentException($"No analysis is named {analysis}.", nameof(analysis));
        return Convert.ToHexString(panes.Digest.GetCurrentHash()).ToLowerInvariant();
    }

    /// <summary>Adds one partition's accumulator of one analysis for one pane.</summary>
    public PartialOutcome Add(PanePartial partial)
    {
        ArgumentNullException.ThrowIfNull(partial);
        var target = Array.Find(_analyses, a => a.Analysis.Name == partial.Analysis);
        if (partial.Partition < 0 || partial.Partition >= PartitionCount || target is null)
        {
            _foreign++;
            return PartialOutcome.Foreign;
        }

        var pane = Panes.StartTicks(partial.PaneStart.UtcTicks, _pane);
        var fingerprint = Fingerprint(target.Analysis, partial);
        if (_seen.TryGetValue((partial.Analysis, pane, partial.Partition), out var first))
        {
            if (first == fingerprint)
            {
                _duplicates++;
                return PartialOutcome.Duplicate;
            }

            _conflicting++;
            return PartialOutcome.Conflicting;
        }

        _seen[(partial.Analysis, pane, partial.Partition)] = fingerprint;
        if (target.EmittedThrough != long.MinValue && pane + _pane <= target.EmittedThrough)
        {
            _late++;
            return PartialOutcome.Late;
        }

        if (!target.Panes.TryGetValue(pane, out var sum))
        {
            sum = (0, target.Analysis.CreateAccumulator());
        }

        target.Panes[pane] = (sum.Reports + partial.Reports, target.Analysis.Merge(sum.Accumulator, partial.Accumulator)); // the merger's own accumulator; the partial's stays as it is
        target.LastData = Math.Max(target.LastData, pane);
        _accepted++;
        return PartialOutcome.Accepted;
    }

    /// <summary>Records a partition's progress and returns the global windows it completes, analysis by analysis, each in order.</summary>
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
            : Panes.StartTicks(progress.ClosedThrough.UtcTicks, _pane);
        _closedThrough[p] = Math.Max(_closedThrough[p], through);
        return Emit();
    }

    /// <summary>The last checkpoint published for <paramref name="partition"/>, from which a new owner continues.</summary>
    public PartitionCheckpoint? LatestCheckpoint(int partition) =>
        partition >= 0 && partition < PartitionCount ? _checkpoints[partition] : null;

    /// <summary>The state last published for <paramref name="partition"/>; <see langword="null"/> before any progress.</summary>
    public PartitionState? StateOf(int partition) =>
        partition >= 0 && partition < PartitionCount ? _states[partition] : null;

    /// <summary>Releases the digests' hashes.</summary>
    public void Dispose()
    {
        foreach (var analysis in _analyses)
        {
            analysis.Digest.Dispose();
        }

        _fingerprintWriter.Dispose();
    }

    private static WindowedAnalysis CrimeSnapshotOf(IEnumerable<int>? windowHours, int top)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(top, 1);
        var hours = (windowHours ?? [1, 6, 12]).Distinct().Order().ToArray();
        if (hours.Length == 0 || hours[0] < 1 || hours[^1] > 24 * 366)
        {
            throw new ArgumentOutOfRangeException(nameof(windowHours), "Window lengths must be between 1 hour and a year, and at least one is needed.");
        }

        return WindowedAnalysis.CrimeSnapshot(hours, top: top);
    }

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

        var results = new List<GlobalWindowResult>();
        foreach (var analysis in _analyses)
        {
            Emit(analysis, complete, watermark, results);
        }

        return results;
    }

    private void Emit(AnalysisPanes analysis, bool complete, long watermark, List<GlobalWindowResult> results)
    {
        var windows = analysis.Definitions;
        var maxLength = windows[^1].Length.Ticks;
        if (complete)
        {
            watermark = analysis.LastData == long.MinValue ? long.MinValue : analysis.LastData + maxLength;
        }

        var panes = analysis.Panes;
        var end = analysis.EmittedThrough == long.MinValue ? long.MinValue : analysis.EmittedThrough + _pane;
        while (panes.Count > 0)
        {
            // Skip the panes whose windows would be empty: the next window with reports ends a pane after the oldest pane kept.
            var oldest = panes.First().Key;
            end = Math.Max(end, oldest + _pane);
            if (end > watermark)
            {
                break;
            }

            foreach (var (window, reports, accumulator) in Sums(analysis, end))
            {
                var start = end - window.Length.Ticks;
                var value = analysis.Analysis.Result(accumulator);
                var result = new GlobalWindowResult(
                    analysis.Analysis.Name,
                    window,
                    new DateTimeOffset(start, TimeSpan.Zero),
                    new DateTimeOffset(end, TimeSpan.Zero),
                    reports,
                    value,
                    analysis.Analysis.FormatResult(value));
                analysis.Digest.AppendData(Encoding.UTF8.GetBytes(result.ToCanonicalString() + "\n"));
                results.Add(result);
                analysis.Windows++;
            }

            analysis.EmittedThrough = end;
            end += _pane;
            while (panes.Count > 0 && panes.First().Key + maxLength < end)
            {
                panes.Remove(panes.First().Key); // no later window reaches back this far
            }
        }

        if (watermark != long.MinValue && watermark > analysis.EmittedThrough && (watermark != long.MaxValue))
        {
            analysis.EmittedThrough = watermark; // every window ending by the watermark is settled, emitted or empty
        }
    }

    /// <summary>
    /// The windows of <paramref name="analysis"/> ending at <paramref name="end"/> that hold reports, in emission order,
    /// with their sums. The windows ending together are nested (shortest first): one pass from the newest pane back sums
    /// them all, each pane merged once, rather than once per window.
    /// </summary>
    private List<(WindowDefinition Window, long Reports, object Accumulator)> Sums(AnalysisPanes analysis, long end)
    {
        var sums = new List<(WindowDefinition, long, object)>();
        var ending = analysis.Definitions.Where(w => (end - DateTimeOffset.UnixEpoch.UtcTicks) % w.Slide.Ticks == 0).ToList(); // windows end on multiples of their slide
        if (ending.Count == 0)
        {
            return sums;
        }

        var panes = analysis.Panes;
        var keys = analysis.Keys;
        keys.Clear();
        foreach (var start in panes.Keys)
        {
            if (start >= end)
            {
                break;
            }

            if (start >= end - ending[^1].Length.Ticks)
            {
                keys.Add(start);
            }
        }

        long reports = 0;
        var sum = analysis.Analysis.CreateAccumulator();
        var next = keys.Count - 1;
        for (var i = 0; i < ending.Count; i++)
        {
            var from = end - ending[i].Length.Ticks;
            for (; next >= 0 && keys[next] >= from; next--)
            {
                var pane = panes[keys[next]];
                reports += pane.Reports;
                sum = analysis.Analysis.Merge(sum, pane.Accumulator);
            }

            if (reports > 0)
            {
                // The longest window takes the running sum itself; a shorter one a copy, as the sum goes on.
                sums.Add((ending[i], reports, i == ending.Count - 1 ? sum : analysis.Analysis.Copy(sum)));
            }
        }

        return sums;
    }

    /// <summary>A hash of the partial's report count and its accumulator's bytes (aggregates write equal accumulators as equal bytes).</summary>
    private ulong Fingerprint(WindowedAnalysis analysis, PanePartial partial)
    {
        // One writer and a one-shot hash for every partial: creating a hash object and a writer per partial took half
        // of the merger's time to accept a partial.
        // The report count, then the accumulator's JSON, hashed in place.
        var buffer = _fingerprintBuffer;
        buffer.ResetWrittenCount();
        BitConverter.TryWriteBytes(buffer.GetSpan(sizeof(long)), partial.Reports);
        buffer.Advance(sizeof(long));
        _fingerprintWriter.Reset(buffer);
        analysis.WriteAccumulator(_fingerprintWriter, partial.Accumulator);
        _fingerprintWriter.Flush();
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(buffer.WrittenSpan, hash);
        return BitConverter.ToUInt64(hash);
    }

    /// <summary>One analysis' panes (reports and summed accumulator per pane start), emission mark and digest.</summary>
    private sealed class AnalysisPanes(WindowedAnalysis analysis)
    {
        public WindowedAnalysis Analysis { get; } = analysis;

        /// <summary>The analysis' windows in emission order: by length, then slide.</summary>
        public WindowDefinition[] Definitions { get; } = [.. analysis.Windows.OrderBy(w => w.Length).ThenBy(w => w.Slide)];

        public SortedDictionary<long, (long Reports, object Accumulator)> Panes { get; } = [];

        /// <summary>Scratch: the pane starts a window end sums, oldest first.</summary>
        public List<long> Keys { get; } = [];

        public IncrementalHash Digest { get; } = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);

        public long EmittedThrough { get; set; } = long.MinValue;

        public long LastData { get; set; } = long.MinValue;

        public long Windows { get; set; }
    }
}
