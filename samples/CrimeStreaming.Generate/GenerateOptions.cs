using CrimeStreaming.Csv;
using CrimeStreaming.Demo.Cli;
using CrimeStreaming.Generation;

namespace CrimeStreaming.Generate;

/// <summary>The generator's command line: one table of options, parsed, then checked in one pass.</summary>
internal sealed class GenerateOptions
{
    public const long MaxRows = 1_000_000_000;

    public static readonly OptionTable<GenerateOptions> Table = new(
    [
        CliOption<GenerateOptions>.WithValue("--out", "FILE", "the CSV file to write (replaced if it exists). Required.", (o, _, v) => o.Out = v),
        CliOption<GenerateOptions>.WithValue("--rows", "N", "data rows, 0 to 1,000,000,000. Default: 100,000.", (o, n, v) => o.Generator.Rows = OptionValues.Long(n, v, 0, MaxRows)),
        CliOption<GenerateOptions>.WithValue("--schema", "2020|2010", "the LAPD layout: 2020 (2020-present) or 2010\n(2010-2019). Default: 2020.", (o, n, v) => o.Generator.Schema = v switch
        {
            "2020" => CrimeCsvSchema.Lapd2020ToPresent,
            "2010" => CrimeCsvSchema.Lapd2010To2019,
            _ => throw new UsageException($"{n}: '{v}' is not 2020 or 2010."),
        }),
        CliOption<GenerateOptions>.WithValue("--seed", "N", "random seed; the same seed gives the same bytes.\nDefault: 1.", (o, n, v) => o.Generator.Seed = OptionValues.Int(n, v, int.MinValue, int.MaxValue)),
        CliOption<GenerateOptions>.WithValue("--from", "YYYY-MM-DD", "first date of occurrence. Default: 2020-01-01.", (o, n, v) => o.Generator.From = OptionValues.Date(n, v)),
        CliOption<GenerateOptions>.WithValue("--to", "YYYY-MM-DD", "last date of occurrence. Default: 2020-12-31.", (o, n, v) => o.Generator.To = OptionValues.Date(n, v)),
        CliOption<GenerateOptions>.Flag("--verbose", "stack traces on errors.", o => o.Verbose = true),
        CliOption<GenerateOptions>.Flag("--help", "this text.", o => o.Help = true, "-h", "-?"),
    ]);

    public static string Usage => $"""
        Writes a synthetic LAPD-shaped crime CSV file, learnt from the bundled real
        sample (crime types, areas, places and times keep their real frequencies).

        Usage: CrimeStreaming.Generate --out FILE [options]
        {Table.Describe().TrimEnd()}

        Example: CrimeStreaming.Generate --out crimes.csv --rows 1000000 --seed 42
        Ctrl+C or SIGTERM stops and removes the partial file.
        Exit codes: 0 success, 1 failure (e.g. disk full), 2 usage error, 130 stopped.
        """;

    public LapdGeneratorOptions Generator { get; } = new();

    public string? Out { get; private set; }

    public bool Verbose { get; private set; }

    public bool Help { get; private set; }

    /// <summary>Parses and validates the arguments; <c>--help</c> anywhere wins over every error.</summary>
    /// <exception cref="UsageException">The first problem, naming the option and what it accepts.</exception>
    public static GenerateOptions Parse(string[] args)
    {
        ArgumentNullException.ThrowIfNull(args);
        if (OptionTable<GenerateOptions>.WantsHelp(args))
        {
            return new GenerateOptions { Help = true };
        }

        var options = Table.Parse(args);
        options.Validate();
        return options;
    }

    public void Validate()
    {
        if (Out is null)
        {
            throw new UsageException("--out FILE is required (see --help).");
        }

        PathChecks.OutputFile("--out", Out);
        if (Generator.To < Generator.From)
        {
            throw new UsageException($"--to ({Generator.To:yyyy-MM-dd}) must not be before --from ({Generator.From:yyyy-MM-dd}).");
        }

        try
        {
            Generator.Validate();
        }
        catch (ArgumentException e)
        {
            throw new UsageException(e.Message);
        }
    }
}
