using CrimeStreaming.Demo;
using CrimeStreaming.Demo.Cli;

namespace CrimeStreaming.Samples.Tests;

public sealed class DemoOptionsTests
{
    [Theory]
    [InlineData("--officers", "0", "--officers: '0' is not a whole number from 1 to 1,024.")]
    [InlineData("--officers", "-1", "--officers: '-1' is not a whole number from 1 to 1,024.")]
    [InlineData("--officers", "1025", "--officers: '1025' is not a whole number from 1 to 1,024.")]
    [InlineData("--acceleration", "0", "--acceleration: '0' is not a number from 1 to 10,000,000.")]
    [InlineData("--acceleration", "-5", "--acceleration: '-5' is not a number from 1 to 10,000,000.")]
    [InlineData("--acceleration", "NaN", "--acceleration: 'NaN' is not a number from 1 to 10,000,000.")]
    [InlineData("--acceleration", "Infinity", "--acceleration: 'Infinity' is not a number from 1 to 10,000,000.")]
    [InlineData("--acceleration", "1e12", "--acceleration: '1e12' is not a number from 1 to 10,000,000.")]
    [InlineData("--acceleration", "1e-9", "--acceleration: '1e-9' is not a number from 1 to 10,000,000.")]
    [InlineData("--partitions", "0", "--partitions: '0' is not a whole number from 1 to 1,000.")]
    [InlineData("--kafka-timeout", "0", "--kafka-timeout: '0' is not a whole number from 1 to 300.")]
    [InlineData("--start", "2020-13-01", "--start: '2020-13-01' is not a date YYYY-MM-DD or a time YYYY-MM-DDTHH:MM.")]
    [InlineData("--topic", "a/b", "--topic: 'a/b' is not a Kafka name (1 to 249 of a-z A-Z 0-9 . _ -).")]
    [InlineData("--results-topic", "a b", "--results-topic: 'a b' is not a Kafka name (1 to 249 of a-z A-Z 0-9 . _ -).")]
    [InlineData("--group", "", "--group: '' is not a Kafka name (1 to 249 of a-z A-Z 0-9 . _ -).")]
    [InlineData("--results-topic", "la-crime", "--results-topic: must differ from --topic ('la-crime').")]
    [InlineData("--consumers", "0", "--consumers: '0' is not a whole number from 1 to 64.")]
    [InlineData("--consumers", "65", "--consumers: '65' is not a whole number from 1 to 64.")]
    [InlineData("--max-lag", "-1", "--max-lag: '-1' is not a whole number from 0 to 1,000,000.")]
    [InlineData("--shard", "0/2", "--shard: '0/2' is not a shard I/K with 1 <= I <= K (e.g. 1/3).")]
    [InlineData("--shard", "3/2", "--shard: '3/2' is not a shard I/K with 1 <= I <= K (e.g. 1/3).")]
    [InlineData("--shard", "1/0", "--shard: '1/0' is not a shard I/K with 1 <= I <= K (e.g. 1/3).")]
    [InlineData("--shard", "1", "--shard: '1' is not a shard I/K with 1 <= I <= K (e.g. 1/3).")]
    [InlineData("--shard", "a/b", "--shard: 'a/b' is not a shard I/K with 1 <= I <= K (e.g. 1/3).")]
    [InlineData("--shard", "-1/2", "--shard: '-1/2' is not a shard I/K with 1 <= I <= K (e.g. 1/3).")]
    [InlineData("--shard", "1/2", "--shard: 1/2 needs --seed, the same in every shard (each shard prepares the whole input and must deal it to officers exactly as the others do).")]
    [InlineData("--epoch", "2026-12-01", "--epoch: '2026-12-01' is not an instant YYYY-MM-DDTHH:MM:SS with an offset or Z.")]
    [InlineData("--epoch", "tomorrow", "--epoch: 'tomorrow' is not an instant YYYY-MM-DDTHH:MM:SS with an offset or Z.")]
    [InlineData("--broker-outage", "20", "--broker-outage: '20' is not AT:SECS (e.g. 20:3: down 20 s after the replay starts, for 3 s).")]
    [InlineData("--broker-outage", "20:0", "--broker-outage: '0' is not a whole number from 1 to 3,600.")]
    [InlineData("--broker-outage", "x:3", "--broker-outage: 'x' is not a whole number from 1 to 3,600.")]
    [InlineData("-X", "novalue", "-X: 'novalue' is not key=value (e.g. -X security.protocol=SASL_SSL).")]
    public void Out_of_range_values_name_the_option_and_the_accepted_range(string option, string value, string message)
    {
        var parse = () => DemoOptions.Parse([option, value]);

        parse.Should().Throw<UsageException>().WithMessage(message);
    }

    [Theory]
    [InlineData("1", 1.0)]
    [InlineData("10000000", 10_000_000.0)]
    [InlineData("3600.5", 3600.5)]
    public void Accelerations_in_range_are_accepted(string value, double expected) =>
        DemoOptions.Parse(["--acceleration", value]).Acceleration.Should().Be(expected);

    [Fact]
    public void A_broker_outage_is_parsed_and_refused_on_a_real_cluster()
    {
        DemoOptions.Parse(["--broker-outage", "20:3"]).BrokerOutage.Should().Be((TimeSpan.FromSeconds(20), TimeSpan.FromSeconds(3)));
        DemoOptions.Parse([]).BrokerOutage.Should().BeNull();
        ((Action)(() => DemoOptions.Parse(["--broker-outage", "20:3", "--bootstrap-servers", "kafka:9092"]))).Should().Throw<UsageException>()
            .WithMessage("--broker-outage: only the embedded cluster's brokers can be taken down (leave out --bootstrap-servers and bootstrap.servers).");
    }

    [Fact]
    public void Shards_need_enough_officers_and_an_epoch_needs_real_time()
    {
        ((Action)(() => DemoOptions.Parse(["--shard", "5/5", "--seed", "1"]))).Should().Throw<UsageException>()
            .WithMessage("--shard: 5 shards but --officers 4: some shard would replay no officer.");
        ((Action)(() => DemoOptions.Parse(["--epoch", "2026-01-01T00:00:00Z", "--as-fast-as-possible"]))).Should().Throw<UsageException>()
            .WithMessage("--epoch: has no effect with --as-fast-as-possible (the replay runs on virtual time).");
        var sharded = DemoOptions.Parse(["--shard", "2/3", "--seed", "7", "--epoch", "2026-01-01T00:00:00Z"]);
        sharded.Shard.Should().Be(new ReplayShard(2, 3));
        sharded.ToStreamerOptions().Shard.Should().Be(new ReplayShard(2, 3));
        sharded.ToStreamerOptions().Epoch.Should().Be(DateTimeOffset.Parse("2026-01-01T00:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public void The_lag_bound_is_on_for_the_embedded_cluster_and_off_for_a_real_one_unless_asked()
    {
        DemoOptions.Parse([]).MaxLag.Should().Be(3_000);
        DemoOptions.Parse(["--max-lag", "0"]).MaxLag.Should().BeNull();
        DemoOptions.Parse(["--bootstrap-servers", "h:9092"]).MaxLag.Should().BeNull();
        DemoOptions.Parse(["--bootstrap-servers", "h:9092", "--max-lag", "500"]).MaxLag.Should().Be(500);
        DemoOptions.Parse(["--topic", "t"]).ResultsTopic.Should().Be("t-windows");
        DemoOptions.Parse(["--consumers", "64"]).Consumers.Should().Be(64);
    }

    [Fact]
    public void Every_shard_of_a_sharded_replay_is_lag_bounded_even_with_bootstrap_servers()
    {
        // The documented two-process run: the first shard hosts the embedded cluster, the second joins it by address.
        DemoOptions.Parse(["--shard", "1/2", "--seed", "42"]).MaxLag.Should().Be(DemoOptions.DefaultMaxLag);
        DemoOptions.Parse(["--shard", "2/2", "--seed", "42", "--bootstrap-servers", "127.0.0.1:9092"]).MaxLag.Should().Be(3_000);
        DemoOptions.Parse(["--shard", "2/2", "--seed", "42", "--bootstrap-servers", "h:9092", "--max-lag", "0"]).MaxLag.Should().BeNull("--max-lag 0 still turns it off");
        DemoOptions.Parse(["--shard", "2/2", "--seed", "42", "--bootstrap-servers", "h:9092", "--max-lag", "500"]).MaxLag.Should().Be(500);
        DemoOptions.Parse(["--shard", "1/1", "--bootstrap-servers", "h:9092"]).MaxLag.Should().BeNull("one shard is the whole replay: a real cluster's default");
    }

    [Fact]
    public void Both_ends_of_the_officer_range_are_accepted()
    {
        DemoOptions.Parse(["--officers", "1"]).Officers.Should().Be(1);
        DemoOptions.Parse(["--officers=1024"]).Officers.Should().Be(1024);
    }

    [Fact]
    public void Help_anywhere_wins_over_other_errors()
    {
        DemoOptions.Parse(["--bogus", "--officers", "0", "--help"]).Help.Should().BeTrue();
        DemoOptions.Parse(["-h", "--file", "/nonexistent"]).Help.Should().BeTrue();
    }

    [Fact]
    public void Unknown_options_and_missing_values_are_usage_errors()
    {
        ((Action)(() => DemoOptions.Parse(["--bogus"]))).Should().Throw<UsageException>().WithMessage("unknown option --bogus (see --help).");
        ((Action)(() => DemoOptions.Parse(["--officers"]))).Should().Throw<UsageException>().WithMessage("--officers needs a value (N).");
        ((Action)(() => DemoOptions.Parse(["--verbose=yes"]))).Should().Throw<UsageException>().WithMessage("--verbose takes no value.");
    }

    [Fact]
    public void A_directory_as_file_is_called_a_directory()
    {
        var parse = () => DemoOptions.Parse(["--file", Path.GetTempPath()]);

        parse.Should().Throw<UsageException>().WithMessage("--file: * is a directory, not a file.");
    }

    [Fact]
    public void A_missing_file_is_named()
    {
        var parse = () => DemoOptions.Parse(["--file", "/nonexistent/crimes.csv"]);

        parse.Should().Throw<UsageException>().WithMessage("--file: /nonexistent/crimes.csv does not exist.");
    }

    [Theory]
    [InlineData("/nonexistent/dir/x.png", "--chart: the directory /nonexistent/dir does not exist.")]
    [InlineData("/proc/x.png", "--chart: cannot create files in /proc (*).")]
    public void An_unwritable_chart_path_is_refused_before_the_run(string path, string message)
    {
        var parse = () => DemoOptions.Parse(["--chart", path]);

        parse.Should().Throw<UsageException>().WithMessage(message);
    }

    [Fact]
    public void The_map_is_written_next_to_the_chart()
    {
        var chart = Path.Combine(Path.GetTempPath(), "out.png");

        DemoOptions.Parse(["--chart", chart]).MapChart.Should().Be(Path.Combine(Path.GetTempPath(), "out-map.png"));
    }

    [Fact]
    public void Kafka_settings_come_from_the_file_then_from_X_in_order()
    {
        var file = Path.GetTempFileName();
        try
        {
            File.WriteAllLines(file, ["# Confluent Cloud", "bootstrap.servers=broker:9092", "security.protocol = SASL_SSL", "sasl.username: me", "! comment", "sasl.password=from-file"]);

            var options = DemoOptions.Parse(["-X", "sasl.password=from-line", "--kafka-config", file, "-Xclient.id=demo"]);

            options.BootstrapServers.Should().Be("broker:9092", "the file's bootstrap.servers stands in for --bootstrap-servers");
            options.KafkaSettings["sasl.password"].Should().Be("from-line");
            options.KafkaSettings["security.protocol"].Should().Be("SASL_SSL");
            options.KafkaSettings["sasl.username"].Should().Be("me");
            options.KafkaSettings["client.id"].Should().Be("demo");
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public void Bootstrap_servers_on_the_line_win_over_the_file()
    {
        var options = DemoOptions.Parse(["-X", "bootstrap.servers=other:9092", "--bootstrap-servers", "broker:9092"]);

        options.BootstrapServers.Should().Be("broker:9092");
    }

    [Fact]
    public void A_bad_line_of_the_properties_file_is_named_by_file_and_line()
    {
        var file = Path.GetTempFileName();
        try
        {
            File.WriteAllLines(file, ["security.protocol=SASL_SSL", "", "not a setting"]);

            var parse = () => DemoOptions.Parse(["--kafka-config", file]);

            parse.Should().Throw<UsageException>().WithMessage($"--kafka-config: {file} line 3: 'not a setting' is not key=value.");
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public void Every_help_line_fits_80_columns() =>
        DemoOptions.Usage.Split('\n').Should().OnlyContain(line => line.TrimEnd().Length <= 80);
}
