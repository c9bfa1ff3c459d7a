namespace CrimeStreaming;

/// <summary>A WGS-84 position in decimal degrees.</summary>
/// <param name="Latitude">Latitude in degrees, positive north.</param>
/// <param name="Longitude">Longitude in degrees, positive east.</param>
/// <remarks>
/// LAPD files encode an unknown location as (0, 0); the readers turn that into a <see langword="null"/>
/// <see cref="CrimeRecord.Location"/> rather than a point in the Gulf of Guinea.
/// </remarks>
public readonly record struct GeoPoint(double Latitude, double Longitude)
{
    /// <summary>The University of Southern California, the reference place of the original analyses.</summary>
    public static GeoPoint Usc { get; } = new(34.021861, -118.282942);

    /// <summary>Great-circle distance to <paramref name="other"/> in metres (haversine, mean Earth radius 6,371,008.8 m).</summary>
    public double DistanceMetresTo(GeoPoint other)
    {
        const double earthRadius = 6_371_008.8;
        const double toRad = Math.PI / 180.0;
        var dLat = (other.Latitude - Latitude) * toRad;
        var dLon = (other.Longitude - Longitude) * toRad;
        var a = Math.Sin(dLat / 2) * Math.Sin(dLat / 2)
              + Math.Cos(Latitude * toRad) * Math.Cos(other.Latitude * toRad) * Math.Sin(dLon / 2) * Math.Sin(dLon / 2);
        return 2 * earthRadius * Math.Asin(Math.Min(1.0, Math.Sqrt(a)));
    }

    /// <summary>Euclidean distance in degrees, as the original analysis computed "near" (kept for parity).</summary>
    public double DistanceDegreesTo(GeoPoint other)
    {
        var dLat = other.Latitude - Latitude;
        var dLon = other.Longitude - Longitude;
        return Math.Sqrt(dLat * dLat + dLon * dLon);
    }

    /// <inheritdoc/>
    public override string ToString() => FormattableString.Invariant($"({Latitude}, {Longitude})");
}
