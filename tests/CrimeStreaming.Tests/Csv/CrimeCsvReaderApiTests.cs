using System.Text;
using CrimeStreaming.Csv;
using FluentAssertions;

namespace CrimeStreaming.Tests.Csv;

/// <summary>The public reader's contract: argument checks, options taken as a copy, encodings, and counts published while reading.</summary>
public class CrimeCsvReaderApiTests
{
    [Fact]
    public void Arguments_are_checked_when_called_not_when_enumerated()
    {
        FluentActions.Invoking(() => CrimeCsvReader.ReadFile(null!)).Should().Throw<ArgumentNullException>();
        FluentActions.Invoking(() => CrimeCsvReader.ReadFile(string.Empty)).Should().Throw<ArgumentException>();
        FluentActions.Invoking(() => CrimeCsvReader.Read(null!, "x.csv")).Should().Throw<ArgumentNullException>();
        FluentActions.Invoking(() => CrimeCsvReader.Read(new StringReader(string.Empty), null!)).Should().Throw<ArgumentNullException>();

        var invalid = new CrimeCsvOptions { MaxFieldLength = 0 };
        FluentActions.Invoking(() => CrimeCsvReader.ReadFile("any.csv", invalid)).Should().Throw<InvalidOptionsException>();
        FluentActions.Invoking(() => CrimeCsvReader.Read(new StringReader(string.Empty), "x.csv", invalid)).Should().Throw<InvalidOptionsException>();
    }

    [Fact]
    public void Options_changed_after_the_call_do_not_change_the_read()
    {
        var path = Path.Combine(Path.GetTempPath(), $"crimestreaming-api-{Guid.NewGuid():N}.csv");
        File.WriteAllText(path, TestData.Header2020 + "\n" + TestData.Row2020 + "\n");
        try
        {
            var options = new CrimeCsvOptions { OnRowError = RowErrorPolicy.Skip };
            var fromFile = CrimeCsvReader.ReadFile(path, options);
            var fromReader = CrimeCsvReader.Read(new StringReader(File.ReadAllText(path)), path, options);
            options.LatestDate = new DateOnly(2000, 1, 1); // would make the row's 2020 dates out of range

            fromFile.Should().ContainSingle();
            fromReader.Should().ContainSingle();
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void A_file_in_UTF_16_with_a_byte_order_mark_is_read()
    {
        var path = Path.Combine(Path.GetTempPath(), $"crimestreaming-utf16-{Guid.NewGuid():N}.csv");
        File.WriteAllText(path, TestData.Header2020 + "\n" + TestData.Row2020 + "\n", Encoding.Unicode);
        try
        {
            CrimeCsvReader.ReadFile(path).Should().ContainSingle().Which.AreaName.Should().Be("Southwest");
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Rows_read_are_published_while_reading_in_batches_and_before_any_skipped_row()
    {
        const int Rows = 10_000;
        var csv = new StringBuilder(TestData.Header2020).Append('\n');
        for (var i = 0; i < Rows; i++)
        {
            // Row 100 has no DR number: skipped.
            csv.Append(i == 100 ? TestData.Row2020[TestData.Row2020.IndexOf(',', StringComparison.Ordinal)..] : TestData.Row2020).Append('\n');
        }

        var statistics = new ReadStatistics();
        var yielded = 0;
        foreach (var _ in CrimeCsvReader.Read(new StringReader(csv.ToString()), "live.csv", statistics: statistics))
        {
            yielded++;
            var handled = yielded + statistics.RowsSkipped;

            // Never more skipped rows than rows read, never more rows read than handled, and at most a batch behind.
            statistics.RowsRead.Should().BeGreaterThanOrEqualTo(statistics.RowsSkipped);
            statistics.RowsRead.Should().BeLessThanOrEqualTo(handled);
            statistics.RowsRead.Should().BeGreaterThan(handled - 4_096);
            if (yielded > 100)
            {
                statistics.RowsSkipped.Should().Be(1);
                statistics.RowsRead.Should().BeGreaterThanOrEqualTo(101, "the rows before the skipped one were published before it");
            }
        }

        statistics.RowsRead.Should().Be(Rows);
        statistics.RowsSkipped.Should().Be(1);
        yielded.Should().Be(Rows - 1);
    }
}
