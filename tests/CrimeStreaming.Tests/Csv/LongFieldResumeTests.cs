using CrimeStreaming.Csv;

namespace CrimeStreaming.Tests.Csv;

/// <summary>
/// CsvHelper stops one character past the field limit and consumes that character: when it is the row's line end, a
/// comma before the line end, or the input arrives in scraps, the skipped row still names its lines and the rows after
/// it are read whole.
/// </summary>
public class LongFieldResumeTests
{
    private const int Max = 1_000;

    private static readonly string Plain = TestData.Row2020.Replace("\"STRONG-ARM (HANDS, FIST, FEET OR BODILY FORCE)\"", "STRONG-ARM");

    private static readonly CrimeCsvOptions Options = new() { MaxFieldLength = Max };

    /// <summary>The plain row with its last field replaced by <paramref name="field"/>.</summary>
    private static string WithLastField(string field) => Plain[..(Plain.LastIndexOf(',') + 1)] + field;

    private static (List<CrimeRecord> Records, ReadStatistics Stats) Read(string csv, Func<string, TextReader>? open = null)
    {
        var stats = new ReadStatistics();
        var records = CrimeCsvReader.Read(open?.Invoke(csv) ?? new StringReader(csv), "test.csv", Options, stats).ToList();
        return (records, stats);
    }

    [Theory]
    [InlineData("\n")]
    [InlineData("\r\n")]
    [InlineData("\r")]
    public void A_field_one_past_the_limit_ending_its_line_skips_only_its_row(string eol)
    {
        var csv = TestData.Header2020 + eol + Plain + eol + WithLastField(new string('u', Max + 1)) + eol + Plain + eol + Plain + eol;
        var (records, stats) = Read(csv);
        records.Should().HaveCount(3);
        stats.Errors.Should().ContainSingle().Which.Should().Match<RowError>(e => e.Line == 3 && e.EndLine == 3 && e.Reason == "field too long");
        stats.LinesRead.Should().Be(5);
    }

    [Theory]
    [InlineData("\n")]
    [InlineData("\r\n")]
    public void A_long_field_followed_by_an_empty_last_field_ends_its_row_at_the_line_end(string eol)
    {
        // CsvHelper consumes the comma after the field; the line end then looks to it like a blank line.
        var csv = TestData.Header2020 + eol + WithLastField(new string('u', Max + 1) + ",") + eol + Plain + eol + eol + Plain + eol;
        var (records, stats) = Read(csv);
        records.Should().HaveCount(2);
        stats.Errors.Should().ContainSingle().Which.Should().Match<RowError>(e => e.Line == 2 && e.EndLine == 2 && e.Reason == "field too long");
        stats.LinesRead.Should().Be(5);
    }

    [Fact]
    public void A_long_field_with_a_stray_quote_does_not_taint_the_next_row()
    {
        var longField = new string('u', Max / 2) + "\"" + new string('u', Max / 2);
        var csv = TestData.Header2020 + "\n" + WithLastField(longField) + "\n" + Plain + "\n";
        var (records, stats) = Read(csv);
        records.Should().ContainSingle();
        stats.Errors.Should().ContainSingle().Which.Should().Match<RowError>(e => e.Line == 2 && e.Reason == "field too long");
    }

    [Fact]
    public void A_field_many_times_the_limit_is_skipped_through_every_piece()
    {
        var csv = TestData.Header2020 + "\n" + WithLastField(new string('u', 7 * Max + 3)) + "\n" + Plain + "\n";
        var (records, stats) = Read(csv);
        records.Should().ContainSingle();
        stats.Errors.Should().ContainSingle().Which.Should().Match<RowError>(e => e.Line == 2 && e.EndLine == 2);
        stats.LinesRead.Should().Be(3);
    }

    [Fact]
    public void Lines_are_exact_when_the_input_arrives_in_scraps_that_split_crlf()
    {
        var multiLine = Plain.Replace(",Adult Other,", ",\"Adult\r\n\r\nOther\",");
        var bad = Plain.Replace(",2230,", ",xx,");
        var csv = TestData.Header2020 + "\r\n\r\n" + multiLine + "\r\n" + WithLastField(new string('u', Max + 5)) + "\r\n\r\n" + bad + "\r\n" + Plain;
        foreach (var scrap in new[] { 1, 2, 3, 7 })
        {
            var (records, stats) = Read(csv, text => new ScrapReader(text, scrap));
            records.Should().HaveCount(2, "scraps of {0}", scrap);
            stats.Errors.Select(e => (e.Line, e.EndLine, e.Reason)).Should().Equal(
                [(6L, 6L, "field too long"), (8L, 8L, "invalid time")], "scraps of {0}", scrap);
            stats.LinesRead.Should().Be(9, "scraps of {0}", scrap);
        }
    }

    /// <summary>Hands out at most a few characters per read, as a slow stream might.</summary>
    private sealed class ScrapReader(string text, int scrap) : TextReader
    {
        private int _position;

        public override int Peek() => _position < text.Length ? text[_position] : -1;

        public override int Read() => _position < text.Length ? text[_position++] : -1;

        public override int Read(char[] buffer, int index, int count)
        {
            var n = Math.Min(Math.Min(count, scrap), text.Length - _position);
            text.CopyTo(_position, buffer, index, n);
            _position += n;
            return n;
        }
    }
}
