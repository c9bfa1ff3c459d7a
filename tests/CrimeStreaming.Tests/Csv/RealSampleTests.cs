using CrimeStreaming.Csv;

namespace CrimeStreaming.Tests.Csv;

public class RealSampleTests
{
    [Fact]
    public void The_2020_sample_parses_completely()
    {
        var stats = new ReadStatistics();
        var records = CrimeCsvReader.ReadFile(TestData.Sample2020, statistics: stats).ToList();

        records.Should().HaveCount(6000);
        stats.RowsRead.Should().Be(6000);
        stats.RowsSkipped.Should().Be(0);
        records.Count(r => r.Location is null).Should().Be(6, "LAT/LON are 0,0 in 6 rows");
        records.Select(r => r.DateOccurred.Year).Distinct().Should().Equal(2020);
    }

    [Fact]
    public void The_2010_sample_parses_completely()
    {
        var stats = new ReadStatistics();
        var records = CrimeCsvReader.ReadFile(TestData.Sample2010, statistics: stats).ToList();

        records.Should().HaveCount(7415);
        stats.RowsSkipped.Should().Be(0);
        records.Should().OnlyContain(r => r.CrimeDescription == "BURGLARY" && r.Location != null);
        records.Select(r => r.AreaName).Distinct().Should().HaveCount(21);
    }

    [Fact]
    public void First_2020_row_keeps_every_field_as_written()
    {
        var r = CrimeCsvReader.ReadFile(TestData.Sample2020).First();

        r.DrNumber.Should().Be("010304468", "leading zeros are kept");
        r.DateReported.Should().Be(new DateOnly(2020, 1, 8));
        r.Occurred.Should().Be(new DateTime(2020, 1, 8, 22, 30, 0));
        r.AreaId.Should().Be("03");
        r.AreaName.Should().Be("Southwest");
        r.ReportingDistrict.Should().Be("0377");
        r.Part.Should().Be("2");
        r.CrimeCode.Should().Be("624");
        r.CrimeDescription.Should().Be("BATTERY - SIMPLE ASSAULT");
        r.MoCodes.Should().Be("0444 0913");
        r.VictimAge.Should().Be(36);
        r.WeaponDescription.Should().Be("STRONG-ARM (HANDS, FIST, FEET OR BODILY FORCE)", "quoted commas stay in the field");
        r.Address.Should().Be("1100 W  39TH                         PL", "padding spaces are kept");
        r.CrossStreet.Should().BeNull();
        r.Location.Should().Be(new GeoPoint(34.0141, -118.2978));
    }

    [Fact]
    public void First_2010_row_reads_the_location_column_with_its_trailing_space()
    {
        var r = CrimeCsvReader.ReadFile(TestData.Sample2010).First();

        r.DrNumber.Should().Be("131407448");
        r.Occurred.Should().Be(new DateTime(2013, 2, 21, 17, 0, 0));
        r.DateReported.Should().Be(new DateOnly(2013, 2, 22));
        r.AreaId.Should().Be("14");
        r.WeaponDescription.Should().Be("SCREWDRIVER");
        r.Location.Should().Be(new GeoPoint(33.9783, -118.3991));
        r.Part.Should().BeNull("the 2010-2019 schema has no Part column");
    }

    [Fact]
    public void Both_date_forms_of_the_2020_file_give_the_same_dates()
    {
        var lines = File.ReadLines(TestData.Sample2020).Skip(1).ToList();
        var records = CrimeCsvReader.ReadFile(TestData.Sample2020).ToList();
        var shortForm = lines.Count(l => System.Text.RegularExpressions.Regex.IsMatch(l, @"^\d+,[^,]*,\d\d/\d\d/\d{4} \d\d:\d\d,"));
        shortForm.Should().Be(2682, "the data README counts 2,682 DATE OCC values in MM/DD/YYYY HH:MM form");
        for (var i = 0; i < lines.Count; i++)
        {
            var dateText = lines[i].Split(',')[2];
            var expected = DateOnly.ParseExact(dateText[..10], "MM/dd/yyyy", System.Globalization.CultureInfo.InvariantCulture);
            records[i].DateOccurred.Should().Be(expected, "line {0}: {1}", i + 2, dateText);
        }
    }
}
