namespace CrimeStreaming.Tests;

public class GeoPointTests
{
    [Fact]
    public void Haversine_matches_a_known_distance()
    {
        // USC to Los Angeles City Hall (34.0537, -118.2428): about 5.2 km.
        var cityHall = new GeoPoint(34.0537, -118.2428);
        GeoPoint.Usc.DistanceMetresTo(cityHall).Should().BeApproximately(5_200, 100);
        GeoPoint.Usc.DistanceMetresTo(GeoPoint.Usc).Should().Be(0);
    }

    [Fact]
    public void Degree_distance_is_euclidean()
    {
        new GeoPoint(0, 0).DistanceDegreesTo(new GeoPoint(3, 4)).Should().BeApproximately(5, 1e-12);
    }
}
