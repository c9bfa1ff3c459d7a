using CrimeStreaming.Demo.Cli;

namespace CrimeStreaming.CustomAnalysis;

/// <summary>The sample's command line, checked before anything starts.</summary>
internal sealed class CustomAnalysisOptions
{
    public const string Usage = """
        Usage: CrimeStreaming.CustomAnalysis [options]

        Replays an LAPD file through an embedded 3-broker Kafka cluster and runs two
        analyses of the sample's own (robberies per premise over 3 hours sliding 30
        minutes, victims' age bands per area over 6-hour windows) plus the crime
        snapshot across one analysis group, then prints a digest per analysis: the
        same for any number of instances, threads or processes.

        Options:
          --instances N    analysis instances (threads) in this process, 1 to 16.
                           Default: 3.
          --processes N    further processes, each one more instance, 0 to 4.
                           Default: 0.
          --file PATH      the LAPD CSV file. Default: the bundled 2020 sample.
          --seed N         the replay's seed (report delays). Default: 1.
          --verbose        log Kafka and the analysis, and show stack traces.
          --help           show this help.
        """;

    public int Instances { get; private set; } = 3;

    public int Processes { get; private set; }

    public string File { get; private set; } = Path.Combine(AppContext.BaseDirectory, "data", "la-crime-2020-present-sample.csv");

    public int Seed { get; private set; } = 1;

    public bool Verbose { get; private set; }

    public bool Help { get; private set; }

    /// <summary>Set in the processes this sample starts itself: join the group on these servers with one instance.</summary>
    public string? Join { get; private set; }

    public static CustomAnalysisOptions Parse(IReadOnlyList<string> args)
    {
        var options = new CustomAnalysisOptions();
        for (var i = 0; i < args.Count; i++)
        {
            var name = args[i];
            string Value() => i + 1 < args.Count && !args[i + 1].StartsWith("--", StringComparison.Ordinal)
                ? args[++i]
                : throw new UsageException($"{name} needs a value.");
            switch (name)
            {
                case "--instances": options.Instances = OptionValues.Int(name, Value(), 1, 16); break;
                case "--processes": options.Processes = OptionValues.Int(name, Value(), 0, 4); break;
                case "--file": options.File = Value(); break;
                case "--seed": options.Seed = OptionValues.Int(name, Value(), 0, int.MaxValue); break;
                case "--join": options.Join = Value(); break;
                case "--verbose": options.Verbose = true; break;
                case "--help" or "-h": options.Help = true; break;
                default: throw new UsageException($"unknown option {name} (see --help).");
            }
        }

        if (!options.Help && options.Join is null)
        {
            PathChecks.InputFile("--file", options.File);
        }

        return options;
    }
}
