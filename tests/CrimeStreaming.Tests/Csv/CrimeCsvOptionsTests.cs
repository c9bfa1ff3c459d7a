using CrimeStreaming.Csv;

namespace CrimeStreaming.Tests.Csv;

/// <summary><see cref="CrimeCsvOptions"/>: every invalid property reported at once by name, and copied by whoever keeps them.</summary>
public class CrimeCsvOptionsTests
{
    // The date is far outside the default range: a row error, thrown or skipped depending on OnRowError.
    private static readonly string BadRow = TestData.Header2020 + "\n" + TestData.Row2020.Replace("01/08/2020 00:00,01/08/2020 00:00", "01/08/2020 00:00,01/08/0020 00:00") + "\n";

    [Fact]
    public void The_defaults_are_valid() => FluentActions.Invoking(new CrimeCsvOptions().Validate).Should().NotThrow();

    [Fact]
    public void Every_invalid_property_is_reported_at_once_by_name_with_its_value()
    {
        var options = new CrimeCsvOptions { MaxFieldLength = 1, OnRowError = (RowErrorPolicy)9, EarliestDate = new DateOnly(2020, 1, 2), LatestDate = new DateOnly(2020, 1, 1) };

        var e = FluentActions.Invoking(options.Validate).Should().Throw<InvalidOptionsException>().Which;

        e.OptionsType.Should().Be(nameof(CrimeCsvOptions));
        e.Errors.Select(x => x.Property).Should().Equal("OnRowError", "MaxFieldLength", "LatestDate");
        e.ParamName.Should().Be("OnRowError");
        e.Errors[0].Message.Should().Contain("not 9");
        e.Errors[1].Message.Should().Be("must be at least 16, not 1.");
        e.Errors[2].Message.Should().Be("must not be before EarliestDate (2020-01-02), not 2020-01-01.");
        e.Message.Should().StartWith("CrimeCsvOptions has 3 invalid properties: OnRowError must be a known row error policy");
    }

    [Fact]
    public void Both_ends_of_the_calendar_are_reported_each_under_its_own_name()
    {
        var options = new CrimeCsvOptions { EarliestDate = DateOnly.MinValue, LatestDate = DateOnly.MaxValue };

        var e = FluentActions.Invoking(options.Validate).Should().Throw<InvalidOptionsException>().Which;

        e.Errors.Select(x => x.Property).Should().Equal("EarliestDate", "LatestDate");
        e.Errors[0].Message.Should().Contain("0001-01-03").And.EndWith("not 0001-01-01.");
        e.Errors[1].Message.Should().Contain("9999-12-29").And.EndWith("not 9999-12-31.");
    }

    [Fact]
    public void Clone_is_an_independent_copy()
    {
        var options = new CrimeCsvOptions { MaxFieldLength = 100, Schema = CrimeCsvSchema.Lapd2010To2019 };

        var copy = options.Clone();
        options.MaxFieldLength = 200;

        copy.Should().NotBeSameAs(options);
        copy.MaxFieldLength.Should().Be(100);
        copy.Schema.Should().BeSameAs(CrimeCsvSchema.Lapd2010To2019);
    }

    [Fact]
    public void A_source_keeps_a_validated_copy_that_later_changes_to_the_callers_options_do_not_reach()
    {
        var path = Path.GetTempFileName();
        try
        {
            File.WriteAllText(path, BadRow);
            var options = new CrimeCsvOptions { OnRowError = RowErrorPolicy.Throw };
            var source = new CsvCrimeRecordSource(path, options);

            options.OnRowError = RowErrorPolicy.Skip;
            options.MaxFieldLength = 1;

            source.Options.Should().NotBeSameAs(options);
            source.Options.OnRowError.Should().Be(RowErrorPolicy.Throw);
            FluentActions.Invoking(() => source.Read(new RecordReadContext(new ReadStatistics()), CancellationToken.None).ToList()).Should().Throw<CrimeDataException>();
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void A_source_rejects_invalid_options_when_it_is_built()
    {
        FluentActions.Invoking(() => new CsvCrimeRecordSource("crimes.csv", new CrimeCsvOptions { MaxFieldLength = 0 }))
            .Should().Throw<InvalidOptionsException>().Which.ParamName.Should().Be("MaxFieldLength");
    }

    [Fact]
    public void A_lazy_read_uses_the_options_as_they_were_when_it_was_started()
    {
        var options = new CrimeCsvOptions { OnRowError = RowErrorPolicy.Throw };
        var records = CrimeCsvReader.Read(new StringReader(BadRow), "test.csv", options);

        options.OnRowError = RowErrorPolicy.Skip;

        FluentActions.Invoking(() => records.ToList()).Should().Throw<CrimeDataException>();
    }
}
