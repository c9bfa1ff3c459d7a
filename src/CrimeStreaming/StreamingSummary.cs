using System.Globalization;
using System.Text;
using CrimeStreaming.Csv;

namespace CrimeStreaming;

/// <summary>The fate of every row of a run: read = skipped + filtered out + before start + after end + scheduled; scheduled = in other shards + emitted + not emitted.</summary>
/// <remarks>
/// <para>A run whose input could not be read to its end (<see cref="FatalError"/>) is not balanced: rows were never read.</para>
/// <para>Every shard of a sharded replay (<see cref="CrimeStreamerOptions.Shard"/>) prepares the whole input, so all
/// counts up to <see cref="Scheduled"/> are the whole input's and equal in every shard; <see cref="ReportsInOtherShards"/>
/// are the scheduled reports the other shards replay. Summed over the shards, <see cref="Emitted"/> is the single-process count.</para>
/// </remarks>
public sealed record StreamingSummary
{
    /// <summary>The seed used (repeat it to repeat the run).</summary>
    public int Seed { get; init; }

    /// <summary>The number of officers.</summary>
    public int Officers { get; init; }

    /// <summary>Data rows read.</summary>
    public long RowsRead { get; init; }

    /// <summary>Rows skipped as unparseable.</summary>
    public long RowsSkipped { get; init; }

    /// <summary>Rows dropped on their crime description before the rest of them was parsed (part of <see cref="FilteredOut"/>).</summary>
    public long RowsPrefiltered { get; init; }

    /// <summary>Rows fully parsed into records: <see cref="RowsRead"/> − <see cref="RowsSkipped"/> − <see cref="RowsPrefiltered"/>.</summary>
    public long RowsParsed => RowsRead - RowsSkipped - RowsPrefiltered;

    /// <summary>Physical lines of the input file read (header and blank lines included); 0 for sources that are not text files.</summary>
    public long LinesRead { get; init; }

    /// <summary>Why reading stopped before the end of the input, or <see langword="null"/> when the whole input was read.</summary>
    public RowError? FatalError { get; init; }

    /// <summary>Warnings about the data (e.g. a replay stretched by outlying report times).</summary>
    public IReadOnlyList<string> Warnings { get; init; } = [];

    /// <summary>Skipped rows by reason.</summary>
    public IReadOnlyDictionary<string, long> SkippedByReason { get; init; } = new Dictionary<string, long>();

    /// <summary>The first recorded row errors (file, line, field, value, reason).</summary>
    public IReadOnlyList<RowError> Errors { get; init; } = [];

    /// <summary>Rows dropped for having no crime description.</summary>
    public long MissingDescription { get; init; }

    /// <summary>Rows dropped as not crimes of interest.</summary>
    public long NotOfInterest { get; init; }

    /// <summary>Rows filtered out: <see cref="MissingDescription"/> + <see cref="NotOfInterest"/>.</summary>
    public long FilteredOut => MissingDescription + NotOfInterest;

    /// <summary>Reports dropped because their report time was not after the simulation start.</summary>
    public long BeforeStart { get; init; }

    /// <summary>Reports dropped because their report time was after <see cref="CrimeStreamerOptions.SimulationEnd"/>.</summary>
    public long AfterEnd { get; init; }

    /// <summary>Reports assigned to officers, in every shard.</summary>
    public long Scheduled { get; init; }

    /// <summary>The part of the replay this run emitted. The default value is <see cref="ReplayShard.Whole"/>.</summary>
    public ReplayShard Shard { get; init; } = ReplayShard.Whole;

    /// <summary>Scheduled reports of officers that other shards replay; 0 unless <see cref="Shard"/> is a part.</summary>
    public long ReportsInOtherShards { get; init; }

    /// <summary>Scheduled reports this shard replays: <see cref="Scheduled"/> − <see cref="ReportsInOtherShards"/>.</summary>
    public long ScheduledInShard => Scheduled - ReportsInOtherShards;

    /// <summary>Reports emitted into the sink.</summary>
    public long Emitted { get; init; }

    /// <summary>Reports of this shard not emitted because the run was stopped: <see cref="ScheduledInShard"/> − <see cref="Emitted"/>.</summary>
    public long NotEmitted => ScheduledInShard - Emitted;

    /// <summary>The simulation start.</summary>
    public DateTimeOffset? SimulationStart { get; init; }

    /// <summary>The latest report time.</summary>
    public DateTimeOffset? LastReportTime { get; init; }

    /// <summary><see langword="true"/> when the run was stopped before every report was emitted.</summary>
    public bool Cancelled { get; init; }

    /// <summary><see langword="true"/> when the whole input was read and every row read is accounted for exactly once.</summary>
    public bool IsBalanced => FatalError is null && RowsRead == RowsSkipped + FilteredOut + BeforeStart + AfterEnd + Scheduled
        && Emitted <= ScheduledInShard;

    /// <summary>A multi-line, human-readable account.</summary>
    public override string ToString()
    {
        var s = new StringBuilder();
        var c = CultureInfo.InvariantCulture;
        s.Append(c, $"rows read {RowsRead:N0}: skipped {RowsSkipped:N0}, filtered out {FilteredOut:N0} (no description {MissingDescription:N0}, not of interest {NotOfInterest:N0}), before start {BeforeStart:N0}, after end {AfterEnd:N0}, scheduled {Scheduled:N0}").AppendLine();
        s.Append(c, $"rows parsed {RowsParsed:N0}, dropped on description before parsing {RowsPrefiltered:N0}{(LinesRead > 0 ? $"; lines read {LinesRead:N0}" : string.Empty)}").AppendLine();
        if (FatalError is not null)
        {
            s.Append(c, $"reading stopped early, the summary does not cover the whole input: {FatalError}").AppendLine();
        }

        foreach (var warning in Warnings)
        {
            s.Append(c, $"warning: {warning}").AppendLine();
        }

        if (Shard != ReplayShard.Whole)
        {
            s.Append(c, $"{Shard}: in other shards {ReportsInOtherShards:N0}, in this shard {ScheduledInShard:N0}").AppendLine();
        }

        s.Append(c, $"emitted {Emitted:N0}, not emitted {NotEmitted:N0}{(Cancelled ? " (stopped)" : string.Empty)}; officers {Officers}, seed {Seed}").AppendLine();
        foreach (var (reason, count) in SkippedByReason.OrderByDescending(p => p.Value).ThenBy(p => p.Key, StringComparer.Ordinal))
        {
            s.Append(c, $"  skipped {count:N0}: {reason}").AppendLine();
        }

        return s.ToString();
    }
}
