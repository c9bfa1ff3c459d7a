using Confluent.Kafka;

namespace CrimeStreaming.Kafka.Tests.Unit;

/// <summary><see cref="KafkaCrimeSinkOptions"/>: every invalid property reported at once by name, and copied by the sink. No cluster.</summary>
public class KafkaCrimeSinkOptionsTests
{
    [Fact]
    public void The_defaults_with_bootstrap_servers_are_valid() =>
        FluentActions.Invoking(new KafkaCrimeSinkOptions { BootstrapServers = "127.0.0.1:9092" }.Validate).Should().NotThrow();

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
            ConsumerLagLimit = new ConsumerLagLimit { GroupId = "", MaxMessagesPerPartition = 0, PollInterval = TimeSpan.FromMinutes(2) },
            Shard = new ReplayShard(3, 2),
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
            new OptionError("Shard", "must be i/k with 1 <= i <= k, not 3/2."));
        e.ParamName.Should().Be("BootstrapServers");
        e.Message.Should().StartWith("KafkaCrimeSinkOptions has 11 invalid properties: BootstrapServers is required");
    }

    [Fact]
    public void The_sink_rejects_invalid_options_naming_them()
    {
        FluentActions.Invoking(() => new KafkaCrimeSink(new KafkaCrimeSinkOptions { BootstrapServers = "127.0.0.1:1", LingerMs = -1 }))
            .Should().Throw<InvalidOptionsException>().Which.ParamName.Should().Be("LingerMs");
    }

    [Fact]
    public void Clone_copies_the_lag_limit_and_shares_the_configure_delegate()
    {
        Action<ProducerConfig> configure = c => c.ClientId = "x";
        var options = new KafkaCrimeSinkOptions
        {
            BootstrapServers = "127.0.0.1:9092",
            ConsumerLagLimit = new ConsumerLagLimit { GroupId = "analysis", MaxMessagesPerPartition = 10 },
            Configure = configure,
        };

        var copy = options.Clone();
        options.ConsumerLagLimit!.MaxMessagesPerPartition = 20;
        options.Topic = "other";

        copy.ConsumerLagLimit.Should().NotBeSameAs(options.ConsumerLagLimit);
        copy.ConsumerLagLimit!.MaxMessagesPerPartition.Should().Be(10);
        copy.ConsumerLagLimit.GroupId.Should().Be("analysis");
        copy.Topic.Should().Be(KafkaDefaults.Topic);
        copy.Configure.Should().BeSameAs(configure);
    }

    [Fact]
    public void The_sink_keeps_a_copy_that_later_changes_to_the_callers_options_do_not_reach()
    {
        var options = new KafkaCrimeSinkOptions { BootstrapServers = "127.0.0.1:1", Topic = "first", MaxRecordedFailures = 5 };
        using var sink = new KafkaCrimeSink(options);

        options.Topic = "second";
        options.MaxRecordedFailures = -1;

        sink.Options.Should().NotBeSameAs(options);
        sink.Topic.Should().Be("first");
        sink.Options.MaxRecordedFailures.Should().Be(5);
    }
}
