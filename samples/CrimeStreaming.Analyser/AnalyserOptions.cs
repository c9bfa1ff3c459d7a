using CrimeStreaming.Demo;
using CrimeStreaming.Demo.Cli;

namespace CrimeStreaming.Analyser;

/// <summary>The analyser's command line: one table of options, parsed, then checked in one pass.</summary>
internal sealed class AnalyserOptions
{
    public const int MaxConsumers = 64;

    public static readonly OptionTable<AnalyserOptions> Table = new(
    [
        CliOption<AnalyserOptions>.WithValue("--bootstrap-servers", "LIST", "the cluster (host:port,...): the demo prints its\nembedded cluster's. Required unless the Kafka\nsettings give bootstrap.servers.", (o, _, v) => o.BootstrapServers = v),
        CliOption<AnalyserOptions>.WithValue("--topic", "NAME", "topic of crime reports. Default: la-crime.", (o, _, v) => o.Topic = v),
        CliOption<AnalyserOptions>.WithValue("--results-topic", "NAME", "topic of partial results (one partition).\nDefault: TOPIC-windows.", (o, _, v) => o.ResultsTopicOption = v),
        CliOption<AnalyserOptions>.WithValue("--group", "NAME", "the analysis consumer group to join.\nDefault: crimestreaming-analysis.", (o, _, v) => o.Group = v),
        CliOption<AnalyserOptions>.WithValue("--consumers", "N", "analysis instances in this process, 1 to 64.\nDefault: 1.", (o, n, v) => o.Consumers = OptionValues.Int(n, v, 1, MaxConsumers)),
        CliOption<AnalyserOptions>.WithValue("--disorder", "SECONDS", "how far (simulated time) a report may come behind\nits partition's latest and still count, 0 to\n31,622,400. Default: 3,600; give the demo's (its\njoin command has it) for live replays.", (o, n, v) => o.DisorderOption = TimeSpan.FromSeconds(OptionValues.Int(n, v, 0, 366 * 86_400))),
        CliOption<AnalyserOptions>.WithValue("-X", "KEY=VALUE", "a Kafka client setting (librdkafka name), e.g.\n-X security.protocol=SASL_SSL. Repeatable; secret\nvalues print as ***.", (o, _, v) => o._kafkaSettingArgs.Add(v)),
        CliOption<AnalyserOptions>.WithValue("--kafka-config", "FILE", "Kafka client settings from a properties file.", (o, _, v) => o.KafkaConfigFile = v),
        CliOption<AnalyserOptions>.WithValue("--kafka-timeout", "SECONDS", "how long the cluster may take to answer, 1 to 300.\nDefault: 8.", (o, n, v) => o.KafkaTimeout = TimeSpan.FromSeconds(OptionValues.Int(n, v, 1, 300))),
        CliOption<AnalyserOptions>.Flag("--verbose", "log library and librdkafka messages; stack traces\non errors.", o => o.Verbose = true),
        CliOption<AnalyserOptions>.Flag("--help", "this text.", o => o.Help = true, "-h", "-?"),
    ]);

    public static string Usage => $"""
        Joins a CrimeStreaming analysis consumer group: aggregates the partitions the group
        gives it, publishes partial results, and prints the global windows' digest once
        every partition has ended (the same digest as every other member's).

        Usage: CrimeStreaming.Analyser --bootstrap-servers LIST --disorder SECONDS [options]
        (the demo prints the exact command that joins its group)
        {Table.Describe().TrimEnd()}

        Ctrl+C or SIGTERM leaves the group (its partitions go to the other members).
        Exit codes: 0 complete and exact, 1 failure (a warning: or error: line says
        why), 2 usage error, 130 stopped.
        """;

    private readonly List<string> _kafkaSettingArgs = [];

    public string? BootstrapServers { get; private set; }

    public string Topic { get; private set; } = "la-crime";

    private string? ResultsTopicOption { get; set; }

    public string ResultsTopic => ResultsTopicOption ?? Topic + "-windows";

    public string Group { get; private set; } = "crimestreaming-analysis";

    public int Consumers { get; private set; } = 1;

    /// <summary>The allowed disorder when <c>--disorder</c> is not given: an hour (the demo's as fast as possible).</summary>
    public static TimeSpan DefaultDisorder => TimeSpan.FromHours(1);

    /// <summary><c>--disorder</c> as given, else <see langword="null"/>: a member may then adopt the group's instead of the default.</summary>
    public TimeSpan? DisorderOption { get; private set; }

    /// <summary>Whether <c>--disorder</c> was given.</summary>
    public bool DisorderGiven => DisorderOption is not null;

    /// <summary>The allowed disorder: <c>--disorder</c>, else <see cref="DefaultDisorder"/>.</summary>
    public TimeSpan Disorder => DisorderOption ?? DefaultDisorder;

    public KafkaSettings KafkaSettings { get; private set; } = new();

    public string? KafkaConfigFile { get; private set; }

    public TimeSpan KafkaTimeout { get; private set; } = TimeSpan.FromSeconds(8);

    public bool Verbose { get; private set; }

    public bool Help { get; private set; }

    /// <summary>Parses and validates; <c>--help</c> anywhere wins over every error.</summary>
    public static AnalyserOptions Parse(string[] args)
    {
        ArgumentNullException.ThrowIfNull(args);
        if (OptionTable<AnalyserOptions>.WantsHelp(args))
        {
            return new AnalyserOptions { Help = true, Verbose = args.Contains("--verbose") };
        }

        var options = Table.Parse(args);
        options.Validate();
        return options;
    }

    public void Validate()
    {
        KafkaNames.Check(Topic, ResultsTopic, Group);

        KafkaSettings = KafkaSettings.From(KafkaConfigFile, _kafkaSettingArgs);
        if (BootstrapServers is not null && string.IsNullOrWhiteSpace(BootstrapServers))
        {
            throw new UsageException("--bootstrap-servers: give host:port[,host:port...].");
        }

        BootstrapServers ??= KafkaSettings["bootstrap.servers"]
            ?? throw new UsageException("--bootstrap-servers: required (the demo prints its cluster's).");
    }

}
