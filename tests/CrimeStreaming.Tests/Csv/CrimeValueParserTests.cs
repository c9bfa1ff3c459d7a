using CrimeStreaming.Csv;

namespace CrimeStreaming.Tests.Csv;

public class CrimeValueParserTests
{
    [Theory]
    [InlineData("01/14/2020 12:00:00 AM", 2020, 1, 14)]
    [InlineData("01/08/2020 00:00", 2020, 1, 8)]
    [InlineData("02/21/2013", 2013, 2, 21)]
    [InlineData("2/9/2013", 2013, 2, 9)]
    [InlineData("12/31/2020 11:59:59 PM", 2020, 12, 31)]
    [InlineData("2020-03-01", 2020, 3, 1)]
    [InlineData("2020-03-01T00:00:00.000", 2020, 3, 1)]
    [InlineData("02/29/2020", 2020, 2, 29)]
    public void Dates_in_every_form_parse(string text, int y, int m, int d)
    {
        CrimeValueParser.TryParseDate(text, out var date).Should().BeTrue();
        date.Should().Be(new DateOnly(y, m, d));
    }

    [Theory]
    [InlineData("")]
    [InlineData("02/29/2019")]
    [InlineData("13/01/2020")]
    [InlineData("01/14/2020 13:00:00 AM")]
    [InlineData("01/14/2020 12:60")]
    [InlineData("01/14/20")]
    [InlineData("2020-3-1")]
    [InlineData("01/14/2020x")]
    public void Malformed_dates_do_not_parse(string text)
    {
        CrimeValueParser.TryParseDate(text, out _).Should().BeFalse();
    }

    [Theory]
    [InlineData("1", 0, 1)]
    [InlineData("30", 0, 30)]
    [InlineData("0001", 0, 1)]
    [InlineData("930", 9, 30)]
    [InlineData("1200", 12, 0)]
    [InlineData("2359", 23, 59)]
    [InlineData("0", 0, 0)]
    [InlineData("07:05", 7, 5)]
    public void Times_padded_or_not_parse(string text, int h, int m)
    {
        CrimeValueParser.TryParseTimeOfDay(text, out var time).Should().BeTrue();
        time.Should().Be(new TimeOnly(h, m));
    }

    [Theory]
    [InlineData("60")]
    [InlineData("2400")]
    [InlineData("12345")]
    [InlineData("-1")]
    [InlineData("")]
    [InlineData("12:5")]
    public void Bad_times_do_not_parse(string text) => CrimeValueParser.TryParseTimeOfDay(text, out _).Should().BeFalse();

    [Fact]
    public void Locations_parse_and_zero_means_unknown()
    {
        CrimeValueParser.TryParseLocation("(34.0454, -118.3157)", out var p).Should().BeTrue();
        p.Should().Be(new GeoPoint(34.0454, -118.3157));
        CrimeValueParser.TryParseLocation("(0, 0)", out var unknown).Should().BeTrue();
        unknown.Should().BeNull();
        CrimeValueParser.TryParseLocation("(95, 0)", out _).Should().BeFalse();
        CrimeValueParser.TryParseLocation("34.0, -118.0", out _).Should().BeFalse();
        CrimeValueParser.KnownLocation(0, 0).Should().BeNull();
        CrimeValueParser.KnownLocation(0, 1).Should().NotBeNull();
    }

    [Fact]
    public void Custom_schema_reads_another_layout()
    {
        var schema = new CrimeCsvSchema
        {
            Name = "city feed",
            DrNumber = "id",
            DateOccurred = "when",
            TimeOccurred = "hhmm",
            AreaId = "area",
            AreaName = "area_name",
            CrimeCode = "code",
            CrimeDescription = "what",
            Latitude = "lat",
            Longitude = "lng",
        };
        var csv = "id,when,hhmm,area,area_name,code,what,lat,lng\n007,2021-05-04,5,09,Van Nuys,210,ROBBERY,34.1,-118.4\n";
        var record = TestData.ReadAll(csv, new CrimeCsvOptions { Schema = schema }).Should().ContainSingle().Subject;
        record.Should().Match<CrimeRecord>(r => r.DrNumber == "007" && r.Occurred == new DateTime(2021, 5, 4, 0, 5, 0) && r.AreaId == "09"
                                              && r.CrimeDescription == "ROBBERY" && r.Location == new GeoPoint(34.1, -118.4) && r.Address == null);
    }
}
