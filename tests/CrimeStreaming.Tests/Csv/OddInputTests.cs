using CrimeStreaming.Csv;

namespace CrimeStreaming.Tests.Csv;

/// <summary>Extreme dates, quotes closed on the wrong line, very long fields: skipped with the lines they span, never a crash or a silent loss.</summary>
public class OddInputTests
{
    private static readonly string Plain = TestData.Row2020.Replace("\"STRONG-ARM (HANDS, FIST, FEET OR BODILY FORCE)\"", "STRONG-ARM");

    private static string Csv(params string[] rows) => TestData.Header2020 + "\n" + string.Join("\n", rows) + "\n";

    private static (List<CrimeRecord> Records, ReadStatistics Stats) Read(string csv, CrimeCsvOptions? options = null)
    {
        var stats = new ReadStatistics();
        return (TestData.ReadAll(csv, options, stats), stats);
    }

    [Theory]
    [InlineData("12/31/9999 00:00", "DATE OCC")]
    [InlineData("01/01/0001 00:00", "DATE OCC")]
    [InlineData("01/08/6020 00:00", "DATE OCC")]
    [InlineData("1899-12-31", "DATE OCC")]
    [InlineData("12/31/9999", "Date Rptd")]
    public void Dates_outside_the_plausible_range_are_skipped_naming_field_value_and_line(string value, string field)
    {
        var row = field == "DATE OCC"
            ? TestData.Row2020.Replace(",01/08/2020 00:00,2230,", $",{value},2230,")
            : TestData.Row2020.Replace("010304468,01/08/2020 00:00,", $"010304468,{value},");
        var (records, stats) = Read(Csv(TestData.Row2020, row, TestData.Row2020));
        records.Should().HaveCount(2);
        stats.Errors.Should().ContainSingle().Which.Should().Match<RowError>(e =>
            e.Line == 3 && e.EndLine == 3 && e.Field == field && e.RawValue == value && e.Reason == "date out of range"
            && e.Detail.Contains("1900-01-01") && e.Detail.Contains("2100-01-01"));
    }

    [Fact]
    public void The_date_range_is_configurable_and_both_ends_are_inclusive()
    {
        var options = new CrimeCsvOptions { EarliestDate = new DateOnly(2020, 1, 8), LatestDate = new DateOnly(2020, 1, 8) };
        var early = TestData.Row2020.Replace(",01/08/2020 00:00,2230,", ",01/07/2020 00:00,2230,");
        var (records, stats) = Read(Csv(TestData.Row2020, early), options);
        records.Should().ContainSingle();
        stats.SkippedByReason.Should().Equal(new Dictionary<string, long> { ["date out of range"] = 1 });
    }

    [Fact]
    public void Out_of_range_date_is_thrown_under_the_throw_policy()
    {
        var row = TestData.Row2020.Replace(",01/08/2020 00:00,2230,", ",12/31/9999 00:00,2230,");
        var act = () => TestData.ReadAll(Csv(row), new CrimeCsvOptions { OnRowError = RowErrorPolicy.Throw });
        act.Should().Throw<CrimeDataException>().Where(e => e.Error.Reason == "date out of range" && e.Error.Line == 2 && e.Message.Contains("12/31/9999"));
    }

    [Fact]
    public void Quote_closed_on_the_next_line_names_both_lines_and_reading_goes_on()
    {
        // The quote opened in AREA NAME closes in the next line's Status Desc: two physical lines become one bad row.
        var opened = Plain.Replace(",Southwest,", ",\"Southwest,");
        var closed = Plain.Replace(",Adult Other,", ",Adult Other\",");
        var (records, stats) = Read(Csv(Plain, opened, closed, Plain, Plain));
        records.Should().HaveCount(3);
        var error = stats.Errors.Should().ContainSingle().Subject;
        error.Should().Match<RowError>(e => e.Line == 3 && e.EndLine == 4 && e.Reason == "wrong field count" && e.Detail.Contains("lines 3-4"));
        error.ToString().Should().StartWith("test.csv:3-4: wrong field count");
        stats.LinesRead.Should().Be(6, "header, five data lines; the lines the error spans are named");
    }

    [Fact]
    public void Quote_closed_on_the_next_line_at_the_same_column_is_not_taken_for_a_record()
    {
        // Here the field count happens to match: the line break inside AREA NAME gives the swallowed line away.
        var opened = Plain.Replace(",Southwest,", ",\"Southwest,");
        var closed = Plain.Replace(",Southwest,", ",Southwest\",");
        var (records, stats) = Read(Csv(Plain, opened, closed, Plain));
        records.Should().HaveCount(2);
        stats.Errors.Should().ContainSingle().Which.Should().Match<RowError>(e =>
            e.Line == 3 && e.EndLine == 4 && e.Field == "AREA NAME" && e.Reason == "line break in field" && e.Detail.Contains("lines 3-4"));
    }

    [Fact]
    public void A_70000_character_unquoted_field_skips_its_row_and_the_48_rows_after_it_are_read()
    {
        var longRow = Plain.Replace("1100 W  39TH                         PL", new string('x', 70_000));
        var rows = new[] { Plain, longRow }.Concat(Enumerable.Repeat(Plain, 48)).ToArray();
        var (records, stats) = Read(Csv(rows));
        records.Should().HaveCount(49);
        stats.RowsRead.Should().Be(50);
        stats.FatalError.Should().BeNull();
        stats.Errors.Should().ContainSingle().Which.Should().Match<RowError>(e =>
            e.Line == 3 && e.EndLine == 3 && e.Reason == "field too long" && e.Detail.Contains("65,536") && e.Detail.Contains("resumed"));
        stats.LinesRead.Should().Be(51);
    }

    [Fact]
    public void A_skipped_long_row_ends_after_its_multi_line_quoted_field()
    {
        var longRow = Plain.Replace("1100 W  39TH                         PL", new string('x', 5_000)).Replace("Adult Other", "\"Adult\n\nOther\"");
        var (records, stats) = Read(Csv(Plain, longRow, Plain), new CrimeCsvOptions { MaxFieldLength = 1_000 });
        records.Should().HaveCount(2);
        stats.Errors.Should().ContainSingle().Which.Should().Match<RowError>(e => e.Line == 3 && e.EndLine == 5 && e.Reason == "field too long");
        stats.LinesRead.Should().Be(6);
    }

    [Fact]
    public void A_too_long_quoted_field_stops_reading_with_a_fatal_error_naming_every_line_not_read()
    {
        var broken = Plain.Replace(",AO,", ",\"AO," + new string('y', 2_000));
        var (records, stats) = Read(Csv(Plain, broken, Plain, Plain, Plain), new CrimeCsvOptions { MaxFieldLength = 1_000 });
        records.Should().ContainSingle();
        var fatal = stats.FatalError.Should().NotBeNull().And.Subject.As<RowError>();
        fatal.Should().Match<RowError>(e => e.Line == 3 && e.EndLine == 6 && e.Reason == "field too long" && e.Detail.Contains("lines 3-6 were not read"));
        stats.Errors.Should().ContainSingle().Which.Should().Be(fatal);
        stats.LinesRead.Should().Be(6);
    }

    [Fact]
    public void A_row_of_countless_short_fields_is_skipped_as_too_long()
    {
        var row = string.Concat(Enumerable.Repeat("a,", 600_000));
        var (records, stats) = Read(Csv(Plain, row, Plain));
        records.Should().HaveCount(2);
        stats.Errors.Should().ContainSingle().Which.Should().Match<RowError>(e => e.Line == 3 && e.Reason == "row too long");
    }

    [Fact]
    public void Every_line_ending_counts_and_blank_lines_count_as_lines()
    {
        var bad = Plain.Replace(",2230,", ",xx,");
        var csv = TestData.Header2020 + "\r\n" + Plain + "\r\n\r\n" + Plain + "\r" + bad + "\n\n" + Plain;
        var (records, stats) = Read(csv);
        records.Should().HaveCount(3);
        stats.Errors.Should().ContainSingle().Which.Line.Should().Be(5, "header 1, row 2, blank 3, row 4 (ends with a lone CR), bad row 5");
        stats.LinesRead.Should().Be(7);
    }

    [Fact]
    public void Escaped_quotes_and_quoted_commas_survive()
    {
        var row = Plain.Replace(",Adult Other,", ",\"Adult \"\"Other\"\", too\",");
        var (records, _) = Read(Csv(row));
        records.Should().ContainSingle().Which.StatusDescription.Should().Be("Adult \"Other\", too");
    }
}
