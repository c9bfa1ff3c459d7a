using System.Globalization;
using System.Net;
using CrimeStreaming.Demo.Cli;

namespace CrimeStreaming.Demo;

/// <summary>The demo's command line: one table of options (<see cref="Table"/>), parsed, then checked in one pass (<see cref="Validate"/>).</summary>
internal sealed class DemoOptions
{
    public const double MinAcceleration = 1;
    public const double MaxAcceleration = 10_000_000;
    public const int MaxOfficers = 1024;
    public const int MaxPartitions = 1000;
    public const int MaxConsumers = 64;
    public const int DefaultMaxLag = 3_000;
    public const int DefaultWebPort = 5173;

    public static readonly OptionTable<DemoOptions> Table = new(
    [
        CliOption<DemoOptions>.WithValue("--file", "PATH", "LAPD CSV file, 2010-2019 or 2020-present schema\n(detected from the header). Default: the bundled\n2020 sample.", (o, _, v) => o.File = v),
        CliOption<DemoOptions>.WithValue("--acceleration", "X", "simulated seconds per real second, 1 to 10,000,000.\nDefault: 345,600 (4 days a second: the sample's\nyear in ~90 s).", (o, n, v) => o.Acceleration = OptionValues.Double(n, v, MinAcceleration, MaxAcceleration)),
        CliOption<DemoOptions>.Flag("--as-fast-as-possible", "replay on virtual time, as fast as possible\n(report times kept).", o => o.AsFastAsPossible = true),
        CliOption<DemoOptions>.WithValue("--officers", "N", "police officers replaying concurrently, 1 to 1,024.\nDefault: 4.", (o, n, v) => o.Officers = OptionValues.Int(n, v, 1, MaxOfficers)),
        CliOption<DemoOptions>.WithValue("--seed", "N", "random seed (report delays, officers).\nDefault: random, printed in the summary.", (o, n, v) => o.Seed = OptionValues.Int(n, v, int.MinValue, int.MaxValue)),
        CliOption<DemoOptions>.WithValue("--start", "TIME", "simulation start YYYY-MM-DD[THH:MM], Los Angeles\ntime; earlier reports are dropped.\nDefault: the first report's day.", (o, n, v) => o.Start = TimeZones.ToOffset(OptionValues.DateTime(n, v), TimeZones.LosAngeles)),
        CliOption<DemoOptions>.WithValue("--bootstrap-servers", "LIST", "a real Kafka cluster (host:port,...) instead of\nthe embedded one; the topic is created if absent\n(replication factor 3).", (o, _, v) => o.BootstrapServers = v),
        CliOption<DemoOptions>.WithValue("--topic", "NAME", "topic. Default: la-crime.", (o, _, v) => o.Topic = v),
        CliOption<DemoOptions>.WithValue("--partitions", "N", "partitions when the topic is created, 1 to 1,000.\nDefault: 6.", (o, n, v) => o.Partitions = OptionValues.Int(n, v, 1, MaxPartitions)),
        CliOption<DemoOptions>.WithValue("--consumers", "N", "analysis instances in this process, 1 to 64; they\nshare the partitions as one consumer group.\nDefault: 1.", (o, n, v) => o.Consumers = OptionValues.Int(n, v, 1, MaxConsumers)),
        CliOption<DemoOptions>.WithValue("--group", "NAME", "the analysis consumer group; other processes join\nit (CrimeStreaming.Analyser). Default:\ncrimestreaming-analysis.", (o, _, v) => o.Group = v),
        CliOption<DemoOptions>.WithValue("--results-topic", "NAME", "where the instances publish partial results (one\npartition). Default: TOPIC-windows.", (o, _, v) => o.ResultsTopicOption = v),
        CliOption<DemoOptions>.WithValue("--max-lag", "N", "the replay waits while the analysis group is more\nthan N messages behind in a partition, 0 (off) to\n1,000,000. Default: 3,000 on the embedded cluster\n(it keeps ~5 MiB a partition) and for every shard\nof a sharded replay (--shard), off otherwise.", (o, n, v) => o.MaxLagOption = OptionValues.Int(n, v, 0, 1_000_000)),
        CliOption<DemoOptions>.WithValue("--shard", "I/K", "replay only officers I, I+K, ... (1 <= I <= K): K\nprocesses replay one input together. Needs --seed\n(the same in every shard).", (o, n, v) => o.Shard = ReplayShard.TryParse(v, out var shard) ? shard : throw new UsageException($"{n}: '{v}' is not a shard I/K with 1 <= I <= K (e.g. 1/3).")),
        CliOption<DemoOptions>.WithValue("--epoch", "INSTANT", "the real instant the replay's clock reads the\nsimulation start, ISO 8601 with offset (e.g.\n2026-12-01T10:00:00Z): shards share one timeline.\nDefault: when the replay starts.", (o, n, v) => o.Epoch = DateTimeOffset.TryParse(v, CultureInfo.InvariantCulture, DateTimeStyles.None, out var epoch) && v.Contains('T') ? epoch : throw new UsageException($"{n}: '{v}' is not an instant YYYY-MM-DDTHH:MM:SS with an offset or Z.")),
        CliOption<DemoOptions>.WithValue("-X", "KEY=VALUE", "a Kafka client setting (librdkafka name) for the\nproducer, consumer and admin client, e.g.\n-X security.protocol=SASL_SSL. Repeatable;\noverrides --kafka-config. Secret values (keys with\npassword, secret, key, token, jaas) print as ***.", (o, _, v) => o._kafkaSettingArgs.Add(v)),
        CliOption<DemoOptions>.WithValue("--kafka-config", "FILE", "Kafka client settings from a properties file\n(key=value lines); its bootstrap.servers is used\nwhen --bootstrap-servers is absent.", (o, _, v) => o.KafkaConfigFile = v),
        CliOption<DemoOptions>.WithValue("--kafka-timeout", "SECONDS", "how long a real cluster may take to answer before\nthe demo gives up, 1 to 300. Default: 8.", (o, n, v) => o.KafkaTimeout = TimeSpan.FromSeconds(OptionValues.Int(n, v, 1, 300))),
        CliOption<DemoOptions>.WithValue("--results-out", "FILE", "write every global window result as it is emitted:\nFILE.jsonl (a JSON object a line) or FILE.csv.", (o, _, v) => o.ResultsOut = v),
        CliOption<DemoOptions>.WithOptionalValue("--web", "PORT", "serve a live web dashboard (map, charts, controls)\non http://127.0.0.1:PORT/; 0 for any free port.\nDefault port: 5173.", (o, n, v) => o.WebPort = v is null ? DefaultWebPort : OptionValues.Int(n, v, 0, 65_535)),
        CliOption<DemoOptions>.WithValue("--web-host", "ADDRESS", "listen on ADDRESS instead of 127.0.0.1, e.g.\n0.0.0.0 for every interface (anyone who reaches\nit can steer the replay: a warning says so).\nImplies --web.", (o, n, v) => o.WebHostOption = ParseWebHost(n, v)),
        CliOption<DemoOptions>.WithValue("--broker-outage", "AT:SECS", "fault injection (resilience tests): broker 2 of\nthe embedded cluster goes down AT seconds into the\nreplay (after --epoch, if given) and comes back\nSECS seconds later, each 1 to 3,600.", (o, n, v) => o.BrokerOutage = ParseOutage(n, v)),
        CliOption<DemoOptions>.WithValue("--chart", "PATH", "write two PNG charts: PATH, crimes per day stacked\nby crime type, and PATH-map (out.png: out-map.png),\na map of the reports and of the near-USC area.", (o, _, v) => o.Chart = v),
        CliOption<DemoOptions>.Flag("--verbose", "log library and librdkafka messages; stack traces\non errors.", o => o.Verbose = true),
        CliOption<DemoOptions>.Flag("--help", "this text.", o => o.Help = true, "-h", "-?"),
    ]);

    public static string Usage => $"""
        Replays LAPD crime reports through Kafka (an embedded 3-broker cluster unless
        --bootstrap-servers is given), analyses them in a consumer group and shows
        crimes, those near USC, the top-5 crime types and areas over the last 1, 6
        and 12 hours; the summary ends with the digest of every window's results.

        Usage: CrimeStreaming.Demo [options]
        {Table.Describe().TrimEnd()}

        Ctrl+C or SIGTERM stops the replay, flushes Kafka and prints the summary
        (a second one quits at once).
        Exit codes: 0 success, 1 failure (Kafka unreachable, reports lost...),
        2 usage error, 130 stopped by Ctrl+C or SIGTERM.
        """;

    public string File { get; private set; } = Path.Combine(AppContext.BaseDirectory, "data", "la-crime-2020-present-sample.csv");

    public double Acceleration { get; private set; } = 345_600;

    public bool AsFastAsPossible { get; private set; }

    public int Officers { get; private set; } = 4;

    public int? Seed { get; private set; }

    public DateTimeOffset? Start { get; private set; }

    /// <summary>The real cluster: <c>--bootstrap-servers</c>, else <c>bootstrap.servers</c> of the Kafka settings, else <see langword="null"/> (embedded).</summary>
    public string? BootstrapServers { get; private set; }

    public string Topic { get; private set; } = "la-crime";

    public int Partitions { get; private set; } = 6;

    public int Consumers { get; private set; } = 1;

    public string Group { get; private set; } = "crimestreaming-analysis";

    private string? ResultsTopicOption { get; set; }

    /// <summary>The results topic: <c>--results-topic</c>, else the topic's name + <c>-windows</c>.</summary>
    public string ResultsTopic => ResultsTopicOption ?? Topic + "-windows";

    private int? MaxLagOption { get; set; }

    /// <summary>
    /// The lag bound per partition: <c>--max-lag</c>, else 3,000 on the embedded cluster and in every shard of a sharded
    /// replay, none otherwise; <see langword="null"/> when off.
    /// </summary>
    /// <remarks>
    /// The shards of a replay share one cluster, and the documented way to run them hosts the embedded cluster in the
    /// first shard's process: the others reach it with <c>--bootstrap-servers</c> and cannot tell it from a real
    /// cluster by its address. They share its retention all the same, so they are bounded by default too.
    /// </remarks>
    public int? MaxLag => (MaxLagOption ?? (BootstrapServers is null || Shard.Count > 1 ? DefaultMaxLag : 0)) is > 0 and var lag ? lag : null;

    public ReplayShard Shard { get; private set; } = ReplayShard.Whole;

    public DateTimeOffset? Epoch { get; private set; }

    private readonly List<string> _kafkaSettingArgs = [];

    /// <summary>The Kafka client settings: <c>--kafka-config</c>, then each <c>-X</c> in order. Built by <see cref="Validate"/>.</summary>
    public KafkaSettings KafkaSettings { get; private set; } = new();

    public string? KafkaConfigFile { get; private set; }

    public TimeSpan KafkaTimeout { get; private set; } = TimeSpan.FromSeconds(8);

    public string? Chart { get; private set; }

    /// <summary><c>--results-out</c>: where every global window result is written (.jsonl or .csv).</summary>
    public string? ResultsOut { get; private set; }

    /// <summary><c>--broker-outage</c>: when (after the replay starts) broker 2 of the embedded cluster goes down, and for how long.</summary>
    public (TimeSpan At, TimeSpan Duration)? BrokerOutage { get; private set; }

    /// <summary>The map written next to <see cref="Chart"/>: <c>out.png</c> → <c>out-map.png</c>.</summary>
    public string? MapChart => Chart is null ? null : Path.Combine(Path.GetDirectoryName(Chart) ?? string.Empty, Path.GetFileNameWithoutExtension(Chart) + "-map" + (Path.HasExtension(Chart) ? Path.GetExtension(Chart) : ".png"));

    /// <summary><c>--web</c>: the web dashboard's port (0: any free one); <see langword="null"/> without a web dashboard.</summary>
    public int? WebPort { get; private set; }

    /// <summary><c>--web-host</c>: the address the web dashboard listens on; loopback by default.</summary>
    public IPAddress WebHost => WebHostOption ?? IPAddress.Loopback;

    private IPAddress? WebHostOption { get; set; }

    public bool Verbose { get; private set; }

    public bool Help { get; private set; }

    /// <summary>Parses and validates the arguments; <c>--help</c> anywhere wins over every error.</summary>
    /// <exception cref="UsageException">The first problem, naming the option and what it accepts.</exception>
    public static DemoOptions Parse(string[] args)
    {
        ArgumentNullException.ThrowIfNull(args);
        if (OptionTable<DemoOptions>.WantsHelp(args))
        {
            return new DemoOptions { Help = true, Verbose = args.Contains("--verbose") };
        }

        var options = Table.Parse(args);
        options.Validate();
        return options;
    }

    /// <summary>Checks what the parser alone cannot: paths and combinations. Reads nothing but the Kafka properties file.</summary>
    public void Validate()
    {
        PathChecks.InputFile("--file", File);
        if (Chart is not null)
        {
            PathChecks.OutputFile("--chart", Chart);
            PathChecks.OutputFile("--chart", MapChart!);
        }

        if (ResultsOut is not null)
        {
            if (ResultsFile.IsCsv(ResultsOut) is null)
            {
                throw new UsageException($"--results-out: '{ResultsOut}' must end in .jsonl (a JSON object a line) or .csv.");
            }

            PathChecks.OutputFile("--results-out", ResultsOut);
        }

        KafkaNames.Check(Topic, ResultsTopic, Group);

        if (Shard.Count > 1 && Seed is null)
        {
            throw new UsageException($"--shard: {Shard.Index}/{Shard.Count} needs --seed, the same in every shard (each shard prepares the whole input and must deal it to officers exactly as the others do).");
        }

        if (Shard.Count > Officers)
        {
            throw new UsageException($"--shard: {Shard.Count} shards but --officers {Officers}: some shard would replay no officer.");
        }

        if (Epoch is not null && AsFastAsPossible)
        {
            throw new UsageException("--epoch: has no effect with --as-fast-as-possible (the replay runs on virtual time).");
        }

        if (Epoch is { } epoch && epoch > DateTimeOffset.UtcNow.AddDays(1))
        {
            throw new UsageException($"--epoch: {epoch:O} is more than a day ahead.");
        }

        KafkaSettings = KafkaSettings.From(KafkaConfigFile, _kafkaSettingArgs);

        if (BootstrapServers is not null && string.IsNullOrWhiteSpace(BootstrapServers))
        {
            throw new UsageException("--bootstrap-servers: give host:port[,host:port...].");
        }

        if (WebHostOption is not null)
        {
            WebPort ??= DefaultWebPort; // --web-host alone asks for the web dashboard too
        }

        BootstrapServers ??= KafkaSettings["bootstrap.servers"];
        if (BrokerOutage is not null && BootstrapServers is not null)
        {
            throw new UsageException("--broker-outage: only the embedded cluster's brokers can be taken down (leave out --bootstrap-servers and bootstrap.servers).");
        }
    }

    public CrimeStreamerOptions ToStreamerOptions() => new()
    {
        Acceleration = Acceleration,
        AsFastAsPossible = AsFastAsPossible,
        Officers = Officers,
        Seed = Seed,
        SimulationStart = Start,
        Shard = Shard,
        Epoch = Epoch,
    };

    /// <summary>An IP address (v4 or v6) or <c>localhost</c>; host names are not resolved, so that what is listened on is what was written.</summary>
    private static IPAddress ParseWebHost(string name, string value)
    {
        if (string.Equals(value, "localhost", StringComparison.OrdinalIgnoreCase))
        {
            return IPAddress.Loopback;
        }

        return IPAddress.TryParse(value.Trim('[', ']'), out var address) && (address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 || value.Count(c => c == '.') == 3)
            ? address
            : throw new UsageException($"{name}: '{value}' is not an IP address (e.g. 127.0.0.1, 0.0.0.0 for every interface, ::1) or localhost.");
    }

    private static (TimeSpan, TimeSpan) ParseOutage(string name, string value)
    {
        var parts = value.Split(':');
        if (parts.Length != 2)
        {
            throw new UsageException($"{name}: '{value}' is not AT:SECS (e.g. 20:3: down 20 s after the replay starts, for 3 s).");
        }

        return (TimeSpan.FromSeconds(OptionValues.Int(name, parts[0], 1, 3600)), TimeSpan.FromSeconds(OptionValues.Int(name, parts[1], 1, 3600)));
    }

    /// <summary>The replay speed for messages: "as fast as possible" or e.g. "345,600x".</summary>
    public string Speed => AsFastAsPossible ? "as fast as possible" : string.Create(CultureInfo.InvariantCulture, $"{Acceleration:#,0.###}x");

}
