namespace CrimeStreaming;

/// <summary>
/// Lets a source drop a row on its crime description alone, before building the rest of the record: most rows of a
/// city file are not crimes of interest, and building them only to drop them is most of the reading cost.
/// </summary>
/// <remarks>
/// <para>The rule is the streamer's description hook (<c>CrimeStreamer.IsDescriptionOfInterest</c>); a missing or blank
/// description is dropped too. A dropped row is counted as filtered out in the run's summary by <see cref="Keep"/>
/// itself; the source counts it as read and as prefiltered in its <see cref="ReadStatistics"/>.</para>
/// <para>A dropped row's other fields are not validated: a malformed row that is not of interest is counted as
/// filtered, not skipped.</para>
/// </remarks>
public sealed class DescriptionPrefilter
{
    private readonly Func<string, bool> _isOfInterest;
    private readonly Action _onMissing;
    private readonly Action _onNotOfInterest;

    internal DescriptionPrefilter(Func<string, bool> isOfInterest, Action onMissing, Action onNotOfInterest)
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
        if (string.IsNullOrWhiteSpace(description))
        {
            _onMissing();
            return false;
        }

        if (!_isOfInterest(description))
        {
            _onNotOfInterest();
            return false;
        }

        return true;
    }
}
