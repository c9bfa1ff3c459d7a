using System.Globalization;

namespace CrimeStreaming.Demo;

/// <summary>The demo's command line.</summary>
internal sealed class DemoOptions
{
    public const string Usage = """
        Replays LAPD crime reports through Kafka (an embedded 3-broker cluster unless --bootstrap-servers is given),
        reads them back and shows crimes per hour, near USC, top-5 crime types and areas over the last 1/6/12 hours.

        Usage: CrimeStreaming.Demo [options]
          --file PATH               LAPD CSV file (either schema). Default: the bundled 2020 sample.
          --acceleration X          simulated seconds per real second. Default: 345600 (4 days a second: the sample's year in ~90 s).
          --as-fast-as-possible     replay on virtual time, as fast as possible (report times kept).
          --officers N              police officers replaying concurrently. Default: 4.
          --seed N                  random seed (report delays, officers). Default: random, printed in the summary.
          --start YYYY-MM-DD[THH:MM] simulation start (Los Angeles time); earlier reports are dropped. Default: the first report's day.
          --bootstrap-servers LIST  a real Kafka cluster instead of the embedded one (topic created if absent, RF 3).
          --topic NAME              topic. Default: la-crime.
          --partitions N            partitions when the topic is created. Default: 6.
          --chart PATH              write a PNG chart of crimes per hour by crime type.
          --verbose                 log library messages.
          --help                    this text.
        Ctrl+C stops the replay, flushes Kafka and prints the summary.
        """;

    public string File { get; private set; } = Path.Combine(AppContext.BaseDirectory, "data", "la-crime-2020-present-sample.csv");

    public double Acceleration { get; private set; } = 345_600;

    public bool AsFastAsPossible { get; private set; }

    public int Officers { get; private set; } = 4;

    public int? Seed { get; private set; }

    public DateTimeOffset? Start { get; private set; }

    public string? BootstrapServers { get; private set; }

    public string Topic { get; private set; } = "la-crime";

    public int Partitions { get; private set; } = 6;

    public string? Chart { get; private set; }

    public bool Verbose { get; private set; }

    public bool Help { get; private set; }

    /// <summary>Parses the arguments; throws <see cref="FormatException"/> with a message naming the bad one.</summary>
    public static DemoOptions Parse(string[] args)
    {
        var o = new DemoOptions();
        for (var i = 0; i < args.Length; i++)
        {
            var name = args[i];
            string Value() => i + 1 < args.Length ? args[++i] : throw new FormatException($"{name} needs a value.");
            T Number<T>(Func<string, T> parse)
            {
                var text = Value();
                try
                {
                    return parse(text);
                }
                catch (Exception e) when (e is FormatException or OverflowException)
                {
                    throw new FormatException($"{name}: '{text}' is not a valid value.");
                }
            }

            switch (name)
            {
                case "--file": o.File = Value(); break;
                case "--acceleration": o.Acceleration = Number(t => double.Parse(t, CultureInfo.InvariantCulture)); break;
                case "--as-fast-as-possible": o.AsFastAsPossible = true; break;
                case "--officers": o.Officers = Number(t => int.Parse(t, CultureInfo.InvariantCulture)); break;
                case "--seed": o.Seed = Number(t => int.Parse(t, CultureInfo.InvariantCulture)); break;
                case "--start": o.Start = Number(t => TimeZones.ToOffset(DateTime.Parse(t, CultureInfo.InvariantCulture), TimeZones.LosAngeles)); break;
                case "--bootstrap-servers": o.BootstrapServers = Value(); break;
                case "--topic": o.Topic = Value(); break;
                case "--partitions": o.Partitions = Number(t => int.Parse(t, CultureInfo.InvariantCulture)); break;
                case "--chart": o.Chart = Value(); break;
                case "--verbose": o.Verbose = true; break;
                case "--help" or "-h" or "-?": o.Help = true; break;
                default: throw new FormatException($"unknown option {name}.");
            }
        }

        if (!System.IO.File.Exists(o.File))
        {
            throw new FormatException($"--file: {o.File} does not exist.");
        }

        if (o.Partitions < 1)
        {
            throw new FormatException("--partitions must be at least 1.");
        }

        return o;
    }

    public CrimeStreamerOptions ToStreamerOptions() => new()
    {
        Acceleration = Acceleration,
        AsFastAsPossible = AsFastAsPossible,
        Officers = Officers,
        Seed = Seed,
        SimulationStart = Start,
    };
}
