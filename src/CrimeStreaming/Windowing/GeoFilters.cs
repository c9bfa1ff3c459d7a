namespace CrimeStreaming.Windowing;

/// <summary>"Near a place" tests for crime records. Unknown locations are never near anything.</summary>
public static class GeoFilters
{
    /// <summary>The original analysis' threshold: Euclidean distance in degrees below 0.02 (about 2 km).</summary>
    public const double OriginalDegreesThreshold = 0.02;

    /// <summary>Within <paramref name="radiusMetres"/> of <paramref name="place"/> on the Earth's surface (haversine).</summary>
    public static bool IsWithinMetres(this CrimeRecord record, GeoPoint place, double radiusMetres)
    {
        ArgumentNullException.ThrowIfNull(record);
        ArgumentOutOfRangeException.ThrowIfNegative(radiusMetres);
        return record.Location is { } p && p.DistanceMetresTo(place) <= radiusMetres;
    }

    /// <summary>Euclidean distance in degrees below <paramref name="degrees"/>, as the original study computed "near" (kept for parity).</summary>
    public static bool IsWithinDegrees(this CrimeRecord record, GeoPoint place, double degrees = OriginalDegreesThreshold)
    {
        ArgumentNullException.ThrowIfNull(record);
        ArgumentOutOfRangeException.ThrowIfNegative(degrees);
        return record.Location is { } p && p.DistanceDegreesTo(place) < degrees;
    }
}
