namespace CrimeStreaming;

/// <summary>What a <see cref="ICrimeRecordSource"/> is given for one read: where to count rows, and a filter it may apply early.</summary>
/// <remarks>
/// <para>Every row the source reads is counted once in <see cref="Statistics"/> (<see cref="ReadStatistics.OnRowRead"/>)
/// and ends as exactly one of: a record yielded, a skipped row (<see cref="ReadStatistics.OnRowSkipped"/>), or a row
/// dropped by <see cref="Prefilter"/> (<see cref="ReadStatistics.OnRowPrefiltered"/>).</para>
/// <para>Applying <see cref="Prefilter"/> is optional: a source that can read a row's crime description before
/// building the rest of the record (a CSV reader) saves most of its work on a city file, where most rows are not crimes
/// of interest. A source that does not apply it yields every record; the streamer's filter stage then applies the same
/// rule to the built records, so the outcome and the counts are the same either way.</para>
/// </remarks>
public sealed class RecordReadContext
{
    /// <summary>Creates the context.</summary>
    /// <param name="statistics">Where rows are counted.</param>
    /// <param name="prefilter">A filter on the crime description the source may apply before building a record, or <see langword="null"/> for none.</param>
    public RecordReadContext(ReadStatistics statistics, DescriptionPrefilter? prefilter = null)
    {
        ArgumentNullException.ThrowIfNull(statistics);
        Statistics = statistics;
        Prefilter = prefilter;
    }

    /// <summary>Where rows read, skipped and prefiltered are counted.</summary>
    public ReadStatistics Statistics { get; }

    /// <summary>A filter on the crime description the source may apply before building a record, or <see langword="null"/> for none.</summary>
    public DescriptionPrefilter? Prefilter { get; }
}
