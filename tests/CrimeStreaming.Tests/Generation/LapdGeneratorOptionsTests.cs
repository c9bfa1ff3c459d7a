using CrimeStreaming.Csv;
using CrimeStreaming.Generation;

namespace CrimeStreaming.Tests.Generation;

/// <summary><see cref="LapdGeneratorOptions"/>: every invalid property reported at once by name, and copied by the generator.</summary>
public class LapdGeneratorOptionsTests
{
    [Fact]
    public void The_defaults_are_valid() => FluentActions.Invoking(new LapdGeneratorOptions().Validate).Should().NotThrow();

    [Fact]
    public void Every_invalid_property_is_reported_at_once_by_name_with_its_value()
    {
        var options = new LapdGeneratorOptions { Rows = -1, Schema = CrimeCsvSchema.Lapd2020ToPresent with { Name = "mine" }, From = new DateOnly(2021, 1, 1), To = new DateOnly(2020, 1, 1) };

        var e = FluentActions.Invoking(options.Validate).Should().Throw<InvalidOptionsException>().Which;

        e.OptionsType.Should().Be(nameof(LapdGeneratorOptions));
        e.Errors.Should().Equal(
            new OptionError("Rows", "must not be negative, not -1."),
            new OptionError("Schema", "must be one of the built-in LAPD layouts (LAPD 2020-present, LAPD 2010-2019), not mine."),
            new OptionError("To", "must not be before From (2021-01-01), not 2020-01-01."));
        e.ParamName.Should().Be("Rows");
        e.Message.Should().StartWith("LapdGeneratorOptions has 3 invalid properties: Rows must not be negative, not -1.; Schema");
    }

    [Fact]
    public void The_generator_rejects_invalid_options_before_writing()
    {
        var writer = new StringWriter();

        FluentActions.Invoking(() => LapdCsvGenerator.Write(writer, new LapdGeneratorOptions { Rows = -5 }))
            .Should().Throw<InvalidOptionsException>().Which.ParamName.Should().Be("Rows");
        writer.ToString().Should().BeEmpty();
    }

    [Fact]
    public void Clone_is_an_independent_copy()
    {
        var options = new LapdGeneratorOptions { Rows = 10, Seed = 3, Schema = CrimeCsvSchema.Lapd2010To2019 };

        var copy = options.Clone();
        options.Rows = 20;
        options.Seed = 4;

        copy.Should().NotBeSameAs(options);
        copy.Should().BeEquivalentTo(new LapdGeneratorOptions { Rows = 10, Seed = 3, Schema = CrimeCsvSchema.Lapd2010To2019 });
    }
}
