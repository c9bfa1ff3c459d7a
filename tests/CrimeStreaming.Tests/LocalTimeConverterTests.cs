namespace CrimeStreaming.Tests;

public class LocalTimeConverterTests
{
    [Theory]
    [InlineData("America/Los_Angeles")]
    [InlineData("Europe/London")]
    [InlineData("Australia/Lord_Howe")]
    [InlineData("UTC")]
    public void Cached_conversion_equals_the_exact_one_for_every_quarter_hour_of_two_years(string zoneId)
    {
        var zone = TimeZoneInfo.FindSystemTimeZoneById(zoneId);
        var converter = new LocalTimeConverter(zone);
        for (var t = new DateTime(2020, 1, 1); t < new DateTime(2022, 1, 1); t = t.AddMinutes(15))
        {
            var cached = converter.ToOffset(t);
            var exact = TimeZones.ToOffset(t, zone);
            if (cached != exact || cached.Offset != exact.Offset)
            {
                Assert.Fail($"{zoneId} {t:s}: cached {cached:o}, exact {exact:o}");
            }
        }
    }
}
