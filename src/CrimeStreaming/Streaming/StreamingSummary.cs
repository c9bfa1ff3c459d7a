using System.Globalization;
using System.Text;
using CrimeStreaming.Csv;

namespace CrimeStreaming;

/// <summary>The fate of every row of a run: read = skipped + filtered out + before start + scheduled; scheduled = emitted + not emitted.</summary>
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

    /// <summary>Reports assigned to officers.</summary>
    public long Scheduled { get; init; }

    /// <summary>Reports emitted into the sink.</summary>
    public long Emitted { get; init; }

    /// <summary>Scheduled reports not emitted because the run was stopped.</summary>
    public long NotEmitted => Scheduled - Emitted;

    /// <summary>The simulation start.</summary>
    public DateTimeOffset? SimulationStart { get; init; }

    /// <summary>The latest report time.</summary>
    public DateTimeOffset? LastReportTime { get; init; }

    /// <summary><see langword="true"/> when the run was stopped before every report was emitted.</summary>
    public bool Cancelled { get; init; }

    /// <summary><see langword="true"/> when every row read is accounted for exactly once.</summary>
    public bool IsBalanced => RowsRead == RowsSkipped + FilteredOut + BeforeStart + Scheduled && Emitted <= Scheduled;

    /// <summary>A multi-line, human-readable account.</summary>
    public override string ToString()
    {
        var s = new StringBuilder();
        var c = CultureInfo.InvariantCulture;
        s.Append(c, $"rows read {RowsRead:N0}: skipped {RowsSkipped:N0}, filtered out {FilteredOut:N0} (no description {MissingDescription:N0}, not of interest {NotOfInterest:N0}), before start {BeforeStart:N0}, scheduled {Scheduled:N0}").AppendLine();
        s.Append(c, $"emitted {Emitted:N0}, not emitted {NotEmitted:N0}{(Cancelled ? " (stopped)" : string.Empty)}; officers {Officers}, seed {Seed}").AppendLine();
        foreach (var (reason, count) in SkippedByReason.OrderByDescending(p => p.Value).ThenBy(p => p.Key, StringComparer.Ordinal))
        {
            s.Append(c, $"  skipped {count:N0}: {reason}").AppendLine();
        }

        return s.ToString();
    }
}
