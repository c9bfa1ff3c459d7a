using CrimeStreaming.Csv;

namespace CrimeStreaming;

/// <summary>Live, thread-safe counters of one run, for progress displays; <see cref="Snapshot"/> freezes them.</summary>
/// <remarks>
/// Every row read ends in exactly one place: skipped (unparseable), filtered out (no description, or not a crime
/// of interest), before start, after end, or scheduled; every scheduled report is then either left to another shard
/// (<see cref="CrimeStreamerOptions.Shard"/>), emitted or, if the run is stopped, not emitted. Custom stages of a <see cref="CrimeStreamer"/> subclass must count through these methods.
/// </remarks>
public sealed class StreamingProgress
{
    private long _missingDescription;
    private long _notOfInterest;
    private long _beforeStart;
    private long _afterEnd;
    private readonly List<string> _warnings = [];
    private long _scheduled;
    private long _emitted;
    private long _inOtherShards;

    internal StreamingProgress(int seed, int officers, int maxRecordedErrors, ReplayShard shard = default)
    {
        Seed = seed;
        Officers = officers;
        Shard = shard == default ? ReplayShard.Whole : shard;
        Input = new ReadStatistics(maxRecordedErrors);
    }

    /// <summary>The seed in use.</summary>
    public int Seed { get; }

    /// <summary>The number of officers.</summary>
    public int Officers { get; }

    /// <summary>The part of the replay this run emits (<see cref="ReplayShard.Whole"/> unless sharded).</summary>
    public ReplayShard Shard { get; }

    /// <summary>What the reader did with the input rows.</summary>
    public ReadStatistics Input { get; }

    /// <summary>Rows dropped because they have no crime description.</summary>
    public long MissingDescription => Interlocked.Read(ref _missingDescription);

    /// <summary>Rows dropped because the crime is not of interest.</summary>
    public long NotOfInterest => Interlocked.Read(ref _notOfInterest);

    /// <summary>Reports dropped because their report time is not after the simulation start.</summary>
    public long BeforeStart => Interlocked.Read(ref _beforeStart);

    /// <summary>Reports dropped because their report time is after <see cref="CrimeStreamerOptions.SimulationEnd"/>.</summary>
    public long AfterEnd => Interlocked.Read(ref _afterEnd);

    /// <summary>Warnings about the data found during preparation (e.g. a replay stretched by outlying report times).</summary>
    public IReadOnlyList<string> Warnings
    {
        get
        {
            lock (_warnings)
            {
                return _warnings.ToArray();
            }
        }
    }

    /// <summary>Reports assigned to officers for replay.</summary>
    public long Scheduled => Interlocked.Read(ref _scheduled);

    /// <summary>Scheduled reports of officers that other shards replay (0 unless sharded).</summary>
    public long ReportsInOtherShards => Interlocked.Read(ref _inOtherShards);

    /// <summary>Reports emitted into the sink so far.</summary>
    public long Emitted => Interlocked.Read(ref _emitted);

    /// <summary>The simulation start, once preparation has fixed it.</summary>
    public DateTimeOffset? SimulationStart { get; internal set; }

    /// <summary>The latest report time, once preparation has fixed it.</summary>
    public DateTimeOffset? LastReportTime { get; internal set; }

    /// <summary>Counts rows dropped for having no description.</summary>
    internal void OnMissingDescription(long rows = 1) => Interlocked.Add(ref _missingDescription, rows);

    /// <summary>Counts rows dropped as not of interest.</summary>
    internal void OnNotOfInterest(long rows = 1) => Interlocked.Add(ref _notOfInterest, rows);

    /// <summary>Counts a report dropped as before the simulation start.</summary>
    internal void OnBeforeStart() => Interlocked.Increment(ref _beforeStart);

    /// <summary>Counts a report dropped as after the simulation end.</summary>
    internal void OnAfterEnd() => Interlocked.Increment(ref _afterEnd);

    /// <summary>Records a warning about the data, for the summary.</summary>
    public void AddWarning(string warning)
    {
        ArgumentException.ThrowIfNullOrEmpty(warning);
        lock (_warnings)
        {
            _warnings.Add(warning);
        }
    }

    /// <summary>Counts a report assigned to an officer.</summary>
    internal void OnScheduled() => Interlocked.Increment(ref _scheduled);

    /// <summary>Counts a scheduled report left to the shard that owns its officer.</summary>
    internal void OnInOtherShard() => Interlocked.Increment(ref _inOtherShards);

    /// <summary>Counts a report written to the sink.</summary>
    internal void OnEmitted() => Interlocked.Increment(ref _emitted);

    /// <summary>A frozen copy of the counters.</summary>
    public StreamingSummary Snapshot(bool cancelled = false) => new()
    {
        Seed = Seed,
        Officers = Officers,
        RowsRead = Input.RowsRead,
        RowsSkipped = Input.RowsSkipped,
        RowsPrefiltered = Input.RowsPrefiltered,
        LinesRead = Input.LinesRead,
        FatalError = Input.FatalError,
        SkippedByReason = Input.SkippedByReason,
        Errors = Input.Errors,
        Warnings = Warnings,
        AfterEnd = AfterEnd,
        MissingDescription = MissingDescription,
        NotOfInterest = NotOfInterest,
        BeforeStart = BeforeStart,
        Scheduled = Scheduled,
        Shard = Shard,
        ReportsInOtherShards = ReportsInOtherShards,
        Emitted = Emitted,
        SimulationStart = SimulationStart,
        LastReportTime = LastReportTime,
        Cancelled = cancelled,
    };
}
