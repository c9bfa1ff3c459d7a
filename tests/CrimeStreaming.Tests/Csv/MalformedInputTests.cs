using CrimeStreaming.Csv;
using CsCheck;

namespace CrimeStreaming.Tests.Csv;

public class MalformedInputTests
{
    private static string Csv(params string[] rows) => TestData.Header2020 + "\n" + string.Join("\n", rows) + "\n";

    private static (List<CrimeRecord> Records, ReadStatistics Stats) Read(string csv)
    {
        var stats = new ReadStatistics();
        return (TestData.ReadAll(csv, statistics: stats), stats);
    }

    [Fact]
    public void Empty_file_yields_no_records()
    {
        var (records, stats) = Read(string.Empty);
        records.Should().BeEmpty();
        stats.RowsRead.Should().Be(0);
    }

    [Fact]
    public void Header_only_yields_no_records()
    {
        Read(TestData.Header2020 + "\n").Records.Should().BeEmpty();
    }

    [Fact]
    public void Missing_required_columns_fail_at_once_naming_them_and_the_known_schemas()
    {
        var header = TestData.Header2020.Replace("DATE OCC,", string.Empty).Replace("Crm Cd Desc,", string.Empty);
        var act = () => TestData.ReadAll(header + "\n");
        act.Should().Throw<CrimeSchemaException>()
            .Where(e => e.Message.Contains("test.csv") && e.Message.Contains("'DATE OCC'") && e.Message.Contains("'Crm Cd Desc'")
                        && e.Message.Contains("LAPD 2020-present") && e.Message.Contains("LAPD 2010-2019"));
    }

    [Fact]
    public void Missing_column_of_a_given_schema_is_named()
    {
        var options = new CrimeCsvOptions { Schema = CrimeCsvSchema.Lapd2010To2019 };
        var act = () => TestData.ReadAll(Csv(TestData.Row2020), options);
        act.Should().Throw<CrimeSchemaException>().Where(e => e.Message.Contains("'DR Number'") && e.Message.Contains("LAPD 2010-2019"));
    }

    [Fact]
    public void Wrong_field_count_is_skipped_with_its_line()
    {
        var (records, stats) = Read(Csv(TestData.Row2020, "123,01/01/2020,too,few", TestData.Row2020));
        records.Should().HaveCount(2);
        stats.RowsRead.Should().Be(3);
        stats.Errors.Should().ContainSingle().Which.Should().Match<RowError>(e =>
            e.Line == 3 && e.Reason == "wrong field count" && e.Source == "test.csv" && e.Detail.Contains("expected 28 fields, found 4"));
    }

    [Theory]
    [InlineData("13/45/2020 00:00", "DATE OCC", "invalid date")]
    [InlineData("02/30/2020", "DATE OCC", "invalid date")]
    [InlineData("yesterday", "DATE OCC", "invalid date")]
    [InlineData("01/08/2020 25:00", "DATE OCC", "invalid date")]
    public void Invalid_dates_name_field_value_and_line(string value, string field, string reason)
    {
        var row = TestData.Row2020.Replace(",01/08/2020 00:00,2230,", $",{value},2230,");
        var (records, stats) = Read(Csv(TestData.Row2020, row));
        records.Should().HaveCount(1);
        stats.Errors.Should().ContainSingle().Which.Should().Be(stats.Errors[0] with { Line = 3, Field = field, RawValue = value, Reason = reason });
    }

    [Theory]
    [InlineData("2460")]
    [InlineData("2400")]
    [InlineData("12345")]
    [InlineData("")]
    [InlineData("1a")]
    public void Invalid_times_are_skipped(string value)
    {
        var row = TestData.Row2020.Replace(",2230,", $",{value},");
        var (_, stats) = Read(Csv(row));
        stats.Errors.Should().ContainSingle().Which.Should().Match<RowError>(e => e.Field == "TIME OCC" && e.RawValue == value && e.Reason == "invalid time" && e.Line == 2);
    }

    [Fact]
    public void Invalid_coordinates_and_ages_are_skipped()
    {
        var badLat = TestData.Row2020.Replace("34.0141,-118.2978", "north,-118.2978");
        var badAge = TestData.Row2020.Replace(",36,F,", ",thirty,F,");
        var (records, stats) = Read(Csv(badLat, badAge));
        records.Should().BeEmpty();
        stats.SkippedByReason.Should().BeEquivalentTo(new Dictionary<string, long> { ["invalid location"] = 1, ["invalid number"] = 1 });
        stats.Errors.Select(e => (e.Line, e.Field)).Should().Equal((2, "LAT"), (3, "Vict Age"));
    }

    [Fact]
    public void Missing_required_value_is_skipped()
    {
        var row = TestData.Row2020.Replace("010304468,", ",");
        var (_, stats) = Read(Csv(row));
        stats.Errors.Should().ContainSingle().Which.Should().Match<RowError>(e => e.Reason == "missing value" && e.Field == "DR_NO");
    }

    [Fact]
    public void Quote_inside_an_unquoted_field_is_malformed_quoting()
    {
        var row = TestData.Row2020.Replace("Southwest", "South\"west");
        var (records, stats) = Read(Csv(row, TestData.Row2020));
        records.Should().HaveCount(1);
        stats.Errors.Should().ContainSingle().Which.Reason.Should().Be("malformed quoting");
    }

    [Fact]
    public void Unterminated_quote_swallowing_the_end_of_the_file_is_reported_with_its_span()
    {
        var plain = TestData.Row2020.Replace("\"STRONG-ARM (HANDS, FIST, FEET OR BODILY FORCE)\"", "STRONG-ARM");
        var broken = plain.Replace(",AO,", ",\"AO,");
        var (records, stats) = Read(Csv(plain, broken, plain, plain));
        records.Should().HaveCount(1);
        stats.RowsRead.Should().Be(2, "the unclosed quote makes the last three lines one row");
        var error = stats.Errors.Should().ContainSingle().Subject;
        error.Line.Should().Be(3);
        error.Reason.Should().Be("wrong field count");
        error.Detail.Should().Contain("lines 3-");
    }

    [Fact]
    public void Huge_field_stops_reading_with_a_recorded_error_instead_of_buffering_the_file()
    {
        var huge = TestData.Row2020.Replace("\"STRONG-ARM", "\"" + new string('x', 200_000));
        var options = new CrimeCsvOptions { MaxFieldLength = 10_000 };
        var stats = new ReadStatistics();
        var records = TestData.ReadAll(Csv(TestData.Row2020, huge, TestData.Row2020), options, stats);
        records.Should().HaveCount(1);
        stats.Errors.Should().ContainSingle().Which.Should().Match<RowError>(e => e.Reason == "field too long" && e.Line == 3 && e.Detail.Contains("not read"));
    }

    [Fact]
    public void Throw_policy_throws_with_file_line_field_and_value()
    {
        var row = TestData.Row2020.Replace(",2230,", ",9999,");
        var act = () => TestData.ReadAll(Csv(TestData.Row2020, row), new CrimeCsvOptions { OnRowError = RowErrorPolicy.Throw });
        act.Should().Throw<CrimeDataException>()
            .Where(e => e.Error.Line == 3 && e.Error.Field == "TIME OCC" && e.Error.RawValue == "9999"
                        && e.Message.Contains("test.csv:3") && e.Message.Contains("TIME OCC") && e.Message.Contains("9999"));
    }

    [Fact]
    public void Line_numbers_count_blank_lines_and_multi_line_fields()
    {
        var multiLine = TestData.Row2020.Replace("Adult Other", "\"Adult\nOther\"");
        var bad = TestData.Row2020.Replace(",2230,", ",xx,");
        var csv = TestData.Header2020 + "\n" + TestData.Row2020 + "\n\n" + multiLine + "\n" + bad + "\n";
        var (records, stats) = Read(csv);
        records.Should().HaveCount(2);
        records[1].StatusDescription.Should().Be("Adult\nOther");
        stats.Errors.Should().ContainSingle().Which.Line.Should().Be(6, "header 1, row 2, blank 3, multi-line row 4-5, bad row 6");
    }

    [Fact]
    public void Binary_junk_is_a_schema_error_not_a_crash()
    {
        var junk = new byte[4096];
        new Random(7).NextBytes(junk);
        var act = () => CrimeCsvReader.Read(new StreamReader(new MemoryStream(junk)), "junk.bin").ToList();
        act.Should().Throw<CrimeSchemaException>().Where(e => e.Message.StartsWith("junk.bin:"));
    }

    [Fact]
    public void Binary_junk_after_a_valid_header_is_skipped_and_counted()
    {
        var junk = new byte[20_000];
        new Random(11).NextBytes(junk);
        var text = TestData.Header2020 + "\n" + TestData.Row2020 + "\n" + System.Text.Encoding.Latin1.GetString(junk) + "\n" + TestData.Row2020 + "\n";
        var stats = new ReadStatistics();
        var records = TestData.ReadAll(text, new CrimeCsvOptions { MaxFieldLength = 1_000_000 }, stats);
        records.Should().NotBeEmpty();
        records[0].DrNumber.Should().Be("010304468");
        stats.RowsRead.Should().Be(stats.RowsParsed + stats.RowsSkipped);
        stats.RowsSkipped.Should().BeGreaterThan(0);
    }

    [Fact]
    public void Arbitrary_text_never_crashes_the_reader()
    {
        // Any input: either records and counted skips, or one of the two documented exceptions.
        var chars = Gen.OneOf(Gen.Char["\",\n\r ()/:0123456789ABab-."], Gen.Char);
        var body = Gen.OneOf(chars.Array[0, 400].Select(a => new string(a)), Gen.Const(TestData.Row2020).Select(Gen.Int[0, 300], (row, cut) => row[..Math.Min(cut, row.Length)]));
        Gen.Select(body.Array[0, 6], Gen.Bool).Sample((rows, withHeader) =>
        {
            var text = (withHeader ? TestData.Header2020 + "\n" : string.Empty) + string.Join("\n", rows);
            var stats = new ReadStatistics();
            try
            {
                var records = TestData.ReadAll(text, new CrimeCsvOptions { MaxFieldLength = 200 }, stats);
                stats.RowsRead.Should().Be(records.Count + stats.RowsSkipped);
            }
            catch (CrimeSchemaException)
            {
                withHeader.Should().BeFalse("a valid header never fails the schema check");
            }
        }, iter: 2000, seed: "0N0XIzNsQ0O2");
    }
}
