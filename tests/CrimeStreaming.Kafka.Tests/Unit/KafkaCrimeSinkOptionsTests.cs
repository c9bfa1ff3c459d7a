using Confluent.Kafka;

namespace CrimeStreaming.Kafka.Tests.Unit;

/// <summary><see cref="KafkaCrimeSinkOptions"/>: every invalid property reported at once by name, and copied by the sink. No cluster.</summary>
public class KafkaCrimeSinkOptionsTests
{
    private static readonly CrimeReport Report = new(
        new CrimeRecord { DrNumber = "200100501", DateOccurred = new DateOnly(2020, 1, 1), TimeOccurred = new TimeOnly(0, 30), AreaId = "01", AreaName = "Central", CrimeCode = "230" },
        new DateTimeOffset(2020, 1, 1, 1, 15, 0, TimeSpan.FromHours(-8)),
        1);

    [Fact]
    public void The_defaults_with_bootstrap_servers_are_valid_and_use_the_JSON_codec()
    {
        var options = new KafkaCrimeSinkOptions { BootstrapServers = "127.0.0.1:9092" };

        FluentActions.Invoking(options.Validate).Should().NotThrow();
        options.Serializer.Should().BeSameAs(CrimeReportJsonSerializer.Instance);
    }

    [Fact]
    public void Every_invalid_property_is_reported_at_once_by_name_with_its_value()
    {
        var options = new KafkaCrimeSinkOptions
        {
            Topic = " ",
            LingerMs = -1,
            QueueBufferingMaxMessages = 0,
            MessageTimeout = TimeSpan.Zero,
            FlushTimeout = TimeSpan.FromSeconds(-1),
            MaxRecordedFailures = -2,
            ConsumerLagLimit = new ConsumerLagLimit { GroupId = "", MaxMessagesPerPartition = 0, PollInterval = TimeSpan.FromMinutes(2), WaitingPollInterval = TimeSpan.Zero },
            Shard = new ReplayShard(3, 2),
            Serializer = null!,
        };

        var e = FluentActions.Invoking(options.Validate).Should().Throw<InvalidOptionsException>().Which;

        e.OptionsType.Should().Be(nameof(KafkaCrimeSinkOptions));
        e.Errors.Should().Equal(
            new OptionError("BootstrapServers", "is required, not \"\"."),
            new OptionError("Topic", "is required, not \" \"."),
            new OptionError("LingerMs", "must not be negative, not -1."),
            new OptionError("QueueBufferingMaxMessages", "must be at least 1, not 0."),
            new OptionError("MessageTimeout", "must be positive and at most 24.20:31:23.6470000, not 00:00:00."),
            new OptionError("FlushTimeout", "must be positive and at most 24.20:31:23.6470000, not -00:00:01."),
            new OptionError("MaxRecordedFailures", "must not be negative, not -2."),
            new OptionError("ConsumerLagLimit.GroupId", "is required, not \"\"."),
            new OptionError("ConsumerLagLimit.MaxMessagesPerPartition", "must be at least 1, not 0."),
            new OptionError("ConsumerLagLimit.PollInterval", "must be positive and at most 00:01:00, not 00:02:00."),
            new OptionError("ConsumerLagLimit.WaitingPollInterval", "must be positive and at most 00:01:00, not 00:00:00."),
            new OptionError("Shard", "must be i/k with 1 <= i <= k, not 3/2."),
            new OptionError("Serializer", "is required, not null."));
        e.ParamName.Should().Be("BootstrapServers");
        e.Message.Should().StartWith("KafkaCrimeSinkOptions has 13 invalid properties: BootstrapServers is required");
    }

    [Fact]
    public void The_sink_rejects_invalid_options_naming_them()
    {
        FluentActions.Invoking(() => new KafkaCrimeSink(new KafkaCrimeSinkOptions { BootstrapServers = "127.0.0.1:1", LingerMs = -1 }))
            .Should().Throw<InvalidOptionsException>().Which.ParamName.Should().Be("LingerMs");
    }

    [Fact]
    public void Clone_copies_the_lag_limit_and_shares_the_serializer_and_configure_delegate()
    {
        Action<ProducerConfig> configure = c => c.ClientId = "x";
        var options = new KafkaCrimeSinkOptions
        {
            BootstrapServers = "127.0.0.1:9092",
            ConsumerLagLimit = new ConsumerLagLimit { GroupId = "analysis", MaxMessagesPerPartition = 10 },
            Serializer = new ThrowingSerializer(),
            Configure = configure,
        };

        var copy = options.Clone();
        options.ConsumerLagLimit!.MaxMessagesPerPartition = 20;
        options.Topic = "other";

        copy.ConsumerLagLimit.Should().NotBeSameAs(options.ConsumerLagLimit);
        copy.ConsumerLagLimit!.MaxMessagesPerPartition.Should().Be(10);
        copy.ConsumerLagLimit.GroupId.Should().Be("analysis");
        copy.Topic.Should().Be(KafkaDefaults.Topic);
        copy.Serializer.Should().BeSameAs(options.Serializer);
        copy.Configure.Should().BeSameAs(configure);
    }

    [Fact]
    public void The_sink_keeps_a_copy_that_later_changes_to_the_callers_options_do_not_reach()
    {
        var options = new KafkaCrimeSinkOptions { BootstrapServers = "127.0.0.1:1", Topic = "first", MaxRecordedFailures = 5 };
        using var sink = new KafkaCrimeSink(options);

        options.Topic = "second";
        options.MaxRecordedFailures = -1;
        options.Serializer = null!;

        sink.Options.Should().NotBeSameAs(options);
        sink.Topic.Should().Be("first");
        sink.Options.MaxRecordedFailures.Should().Be(5);
        sink.Options.Serializer.Should().BeSameAs(CrimeReportJsonSerializer.Instance);
    }

    [Fact]
    public async Task A_serializer_that_throws_fails_the_delivery_of_that_report_not_the_replay()
    {
        var failures = new List<DeliveryFailure>();
        using var sink = new KafkaCrimeSink(new KafkaCrimeSinkOptions { BootstrapServers = "127.0.0.1:1", Serializer = new ThrowingSerializer() });
        sink.DeliveryFailed += failures.Add;

        await sink.WriteAsync(Report, CancellationToken.None);

        sink.Summary.Should().Match<KafkaDeliverySummary>(s => s.Produced == 1 && s.Failed == 1 && s.Delivered == 0);
        sink.Summary.FailedByReason.Should().Equal(new Dictionary<string, long> { [nameof(ErrorCode.Local_ValueSerialization)] = 1 });
        failures.Should().ContainSingle().Which.Should().Match<DeliveryFailure>(f =>
            f.Report == Report && f.Code == ErrorCode.Local_ValueSerialization && f.Reason == "InvalidOperationException: no codec for 200100501");
    }

    private sealed class ThrowingSerializer : ISerializer<CrimeReport>
    {
        public byte[] Serialize(CrimeReport data, SerializationContext context) => throw new InvalidOperationException($"no codec for {data.Record.DrNumber}");
    }
}
