namespace CrimeStreaming;

/// <summary>
/// Lets a source drop a row on its crime description alone, before building the rest of the record: most rows of a
/// city file are not crimes of interest, and building them only to drop them is most of the reading cost.
/// </summary>
/// <remarks>
/// <para>The rule is the streamer's description hook (<c>CrimeStreamer.IsDescriptionOfInterest</c>); a missing or blank
/// description is dropped too. A dropped row is counted as filtered out in the run's summary by <see cref="Keep"/>
/// itself; the source counts it as read and as prefiltered in its <see cref="ReadStatistics"/>. (The built-in CSV
/// source counts both in batches of 4,096 rows, and exactly when reading ends.)</para>
/// <para>A dropped row's other fields are not validated: a malformed row that is not of interest is counted as
/// filtered, not skipped.</para>
/// </remarks>
public sealed class DescriptionPrefilter
{
    private readonly Func<string, bool> _isOfInterest;
    private readonly Action<long> _onMissing;
    private readonly Action<long> _onNotOfInterest;

    internal DescriptionPrefilter(Func<string, bool> isOfInterest, Action<long> onMissing, Action<long> onNotOfInterest)
    {
        _isOfInterest = isOfInterest;
        _onMissing = onMissing;
        _onNotOfInterest = onNotOfInterest;
    }

    /// <summary>Keeps a row whose description is present and of interest; counts a dropped one as filtered out.</summary>
    /// <param name="description">The row's crime description, or <see langword="null"/> when it has none.</param>
    /// <returns><see langword="true"/> to build the record; <see langword="false"/> when the row is dropped (already counted as filtered out).</returns>
    public bool Keep(string? description)
    {
        switch (Decide(description))
        {
            case Decision.Missing:
                _onMissing(1);
                return false;
            case Decision.NotOfInterest:
                _onNotOfInterest(1);
                return false;
            default:
                return true;
        }
    }

    /// <summary>What <see cref="Keep"/> would decide, without counting it: for a reader that counts in batches (<see cref="Count"/>).</summary>
    internal Decision Decide(string? description) =>
        string.IsNullOrWhiteSpace(description) ? Decision.Missing
        : _isOfInterest(description) ? Decision.Keep
        : Decision.NotOfInterest;

    /// <summary>Counts rows dropped through <see cref="Decide"/>.</summary>
    internal void Count(long missing, long notOfInterest)
    {
        if (missing > 0)
        {
            _onMissing(missing);
        }

        if (notOfInterest > 0)
        {
            _onNotOfInterest(notOfInterest);
        }
    }

    /// <summary>The prefilter's decision on a row.</summary>
    internal enum Decision
    {
        Keep,
        Missing,
        NotOfInterest,
    }
}
