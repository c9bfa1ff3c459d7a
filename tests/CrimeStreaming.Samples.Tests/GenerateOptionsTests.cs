extern alias generate;
using generate::CrimeStreaming.Generate;
using UsageException = generate::CrimeStreaming.Demo.Cli.UsageException;

namespace CrimeStreaming.Samples.Tests;

public sealed class GenerateOptionsTests
{
    [Theory]
    [InlineData(new[] { "--rows", "10" }, "--out FILE is required (see --help).")]
    [InlineData(new[] { "--out", "x.csv", "--rows", "-1" }, "--rows: '-1' is not a whole number from 0 to 1,000,000,000.")]
    [InlineData(new[] { "--out", "x.csv", "--schema", "2015" }, "--schema: '2015' is not 2020 or 2010.")]
    [InlineData(new[] { "--out", "x.csv", "--from", "2020-05-01", "--to", "2020-01-01" }, "--to (2020-01-01) must not be before --from (2020-05-01).")]
    [InlineData(new[] { "--out", "/nonexistent/dir/x.csv" }, "--out: the directory /nonexistent/dir does not exist.")]
    [InlineData(new[] { "--out", "/proc/x.csv" }, "--out: cannot create files in /proc (*).")]
    [InlineData(new[] { "--out", "x.csv", "--bogus" }, "unknown option --bogus (see --help).")]
    public void Bad_command_lines_name_the_option(string[] args, string message)
    {
        var parse = () => GenerateOptions.Parse(args);

        parse.Should().Throw<UsageException>().WithMessage(message);
    }

    [Fact]
    public void Help_wins_over_other_errors() => GenerateOptions.Parse(["--rows", "x", "--help"]).Help.Should().BeTrue();

    [Fact]
    public void Every_help_line_fits_80_columns() =>
        GenerateOptions.Usage.Split('\n').Should().OnlyContain(line => line.TrimEnd().Length <= 80);
}
