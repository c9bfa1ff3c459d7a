namespace CrimeStreaming.Csv;

/// <summary>
/// Lets the reader drop a row on its crime description alone, before parsing its other fields: most rows of a city
/// file are not crimes of interest, and building them only to drop them is most of the reading cost.
/// </summary>
/// <remarks>A dropped row is counted as read by the reader and as filtered out through the callbacks; its other
/// fields are not validated (a malformed row that is not of interest is counted as filtered, not skipped).</remarks>
internal sealed class DescriptionPrefilter(Func<string, bool> isOfInterest, Action onMissing, Action onNotOfInterest)
{
    public bool Keep(string? description)
    {
        if (string.IsNullOrWhiteSpace(description))
        {
            onMissing();
            return false;
        }

        if (!isOfInterest(description))
        {
            onNotOfInterest();
            return false;
        }

        return true;
    }
}
