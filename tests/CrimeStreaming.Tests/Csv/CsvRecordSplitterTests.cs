using CrimeStreaming.Csv;
using CsCheck;
using CsvHelper;
using FluentAssertions;

namespace CrimeStreaming.Tests.Csv;

/// <summary>
/// The splitter gives the fields CsvHelper gives, row by row: the building stage splits the text of a row of interest
/// instead of the tokenizer taking its fields out of CsvHelper, so any difference would change records.
/// </summary>
public class CsvRecordSplitterTests
{
    public static TheoryData<string> Samples => [TestData.Sample2020, TestData.Sample2010];

    [Theory]
    [MemberData(nameof(Samples))]
    public void Splits_every_row_of_a_real_sample_as_CsvHelper_does(string path)
    {
        var (rows, fast) = CompareWithCsvHelper(File.ReadAllText(path));

        rows.Should().BeGreaterThan(900);
        fast.Should().Be(rows, "every row of the real samples is well-formed");
    }

    [Theory]
    [InlineData("a,b,c\n", new[] { "a", "b", "c" })]
    [InlineData("a,,\r\n", new[] { "a", "", "" })]
    [InlineData(",\"\",x\r", new[] { "", "", "x" })]
    [InlineData("\"a, b\",\"say \"\"hi\"\"\",\"\"\"\"", new[] { "a, b", "say \"hi\"", "\"" })]
    [InlineData("  spaced  ,\" quoted \",end\n", new[] { "  spaced  ", " quoted ", "end" })]
    [InlineData("", new[] { "" })]
    [InlineData("\r\n", new[] { "" })]
    public void Splits_well_formed_rows_on_its_own(string raw, string[] expected)
    {
        var fields = new string?[expected.Length];

        Splitter(expected.Length).TrySplit(raw, fields).Should().BeTrue();

        fields.Should().Equal(expected);
    }

    [Theory]
    [InlineData("a\"b,c,d\n")] // a quote inside an unquoted field
    [InlineData("\"a\"b,c,d\n")] // text after the closing quote
    [InlineData("\"a,b,c\n")] // unterminated
    [InlineData("\"a\nb\",c,d\n")] // a line break inside quotes
    [InlineData("a,b\n")] // too few fields
    [InlineData("a,b,c,d\n")] // too many
    public void Leaves_anything_else_to_CsvHelper(string raw)
    {
        Splitter(3).TrySplit(raw, new string?[3]).Should().BeFalse();
    }

    [Fact]
    public void A_malformed_row_gets_CsvHelper_fields_and_the_malformed_field_it_reports()
    {
        var fields = Splitter(3).Split("x,a\"b,\"c\"d\n", out var badData);

        fields.Should().Equal("x", "a\"b", "cd"); // CsvHelper drops the quotes of a field it finds malformed after a quote
        badData.Should().Be("a\"b");
    }

    [Fact]
    public void Columns_of_few_values_share_one_string_per_value_and_the_others_do_not()
    {
        var splitter = Splitter(5, repeated: [0, 1, 3]);

        var first = splitter.Split("Central,\"say \"\"hi\"\"\",Central,\"A, B\",\"A, B\"\n", out _);
        var second = splitter.Split("Central,\"say \"\"hi\"\"\",Central,\"A, B\",\"A, B\"\r\n", out _);
        var other = splitter.Split("Centra,x,y,\"A,\",z\n", out _);

        first.Should().Equal("Central", "say \"hi\"", "Central", "A, B", "A, B");
        second.Should().Equal(first);
        other.Should().Equal("Centra", "x", "y", "A,", "z");
        ReferenceEquals(first[0], second[0]).Should().BeTrue("a column of few values shares its strings");
        ReferenceEquals(first[3], second[3]).Should().BeTrue("also when quoted");
        ReferenceEquals(first[1], second[1]).Should().BeFalse("a quoted value with doubled quotes is unescaped, never cached");
        ReferenceEquals(first[2], second[2]).Should().BeFalse("other columns get a string of their own");
        ReferenceEquals(first[4], second[4]).Should().BeFalse("also when quoted");
    }

    [Fact]
    public void Random_rows_split_as_CsvHelper_splits_them()
    {
        var field = Gen.OneOf(
            Gen.String[Gen.Char["abc ,;-()0123456789"], 0, 12],
            Gen.String[Gen.Char["ab ,\"\r\n"], 0, 8].Select(s => "\"" + s.Replace("\"", "\"\"", StringComparison.Ordinal) + "\""),
            Gen.String[Gen.Char["ab\",\r\n "], 0, 6]);
        var row = Gen.Select(field.Array[4], Gen.OneOf(Gen.Const("\n"), Gen.Const("\r\n"), Gen.Const("\r")))
            .Select((fields, end) => string.Join(',', fields) + end);
        var file = row.Array[1, 6].Select(rows => "h1,h2,h3,h4\n" + string.Concat(rows));

        long rows = 0, fast = 0;
        file.Sample(
            csv =>
            {
                var (r, f) = CompareWithCsvHelper(csv);
                Interlocked.Add(ref rows, r);
                Interlocked.Add(ref fast, f);
            },
            iter: 3_000,
            seed: "0N0XIzNsQ0O2");

        // Both ways were taken many times: split on its own, and read again by CsvHelper.
        fast.Should().BeGreaterThan(500);
        (rows - fast).Should().BeGreaterThan(100);
    }

    private static CsvRecordSplitter Splitter(int fields, int[]? repeated = null) =>
        new(fields, Enumerable.Range(0, fields).ToArray(), bad => CrimeCsvRowReader.Configuration(new CrimeCsvOptions(), bad), repeated);

    /// <summary>
    /// Reads <paramref name="csv"/> with CsvHelper configured as the reader is, and splits the text of every row it reads
    /// on one line (the rows the tokenizer hands on as text): same fields, same malformed field.
    /// </summary>
    private static (int Rows, int Fast) CompareWithCsvHelper(string csv)
    {
        string? bad = null;
        using var parser = new CsvParser(new StringReader(csv), CrimeCsvRowReader.Configuration(new CrimeCsvOptions(), args => bad ??= args.Field.Contains('"', StringComparison.Ordinal) ? args.Field : null));
        parser.Read().Should().BeTrue();
        var count = parser.Count;
        var splitter = Splitter(count, repeated: [.. Enumerable.Range(0, count).Where(i => i % 2 == 0)]); // half of them through the cache
        var rows = 0;
        var fast = 0;
        while (true)
        {
            var row = parser.Row;
            var rawRow = parser.RawRow;
            if (!parser.Read())
            {
                break;
            }

            if (parser.Row != row + 1 || parser.RawRow != rawRow + 1 || parser.Count != count)
            {
                continue; // after blank lines, spanning lines or of another width: the tokenizer takes the fields itself
            }

            bad = null;
            var expected = Enumerable.Range(0, count).Select(i => parser[i]).ToArray();
            var expectedBad = bad;
            var raw = parser.RawRecord;
            var fields = splitter.Split(raw, out var badData);

            fields.Should().Equal(expected, "the row {0}", raw);
            badData.Should().Be(expectedBad, "the row {0}", raw);
            rows++;
            if (splitter.TrySplit(raw, new string?[count]))
            {
                fast++;
                expectedBad.Should().BeNull("a row split on its own is well-formed: {0}", raw);
            }
        }

        return (rows, fast);
    }
}
