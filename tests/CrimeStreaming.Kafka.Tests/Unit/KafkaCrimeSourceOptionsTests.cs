using Confluent.Kafka;

namespace CrimeStreaming.Kafka.Tests.Unit;

/// <summary><see cref="KafkaCrimeSourceOptions"/>: every invalid property reported at once by name, and copied by the source. No cluster.</summary>
public class KafkaCrimeSourceOptionsTests
{
    [Fact]
    public void The_defaults_with_bootstrap_servers_are_valid_and_use_the_JSON_codec()
    {
        var options = new KafkaCrimeSourceOptions { BootstrapServers = "127.0.0.1:9092" };

        FluentActions.Invoking(options.Validate).Should().NotThrow();
        options.Deserializer.Should().BeSameAs(CrimeReportJsonSerializer.Instance);
    }

    [Fact]
    public void Every_invalid_property_is_reported_at_once_by_name_with_its_value()
    {
        var options = new KafkaCrimeSourceOptions
        {
            BootstrapServers = null!,
            Topic = "",
            GroupId = "  ",
            AutoOffsetReset = (AutoOffsetReset)42,
            MaxReports = 0,
            IdleTimeout = TimeSpan.FromSeconds(-3),
            CommitInterval = TimeSpan.Zero,
            SessionTimeout = TimeSpan.FromDays(30),
            Deserializer = null!,
        };

        var e = FluentActions.Invoking(options.Validate).Should().Throw<InvalidOptionsException>().Which;

        e.OptionsType.Should().Be(nameof(KafkaCrimeSourceOptions));
        e.Errors.Should().Equal(
            new OptionError("BootstrapServers", "is required, not null."),
            new OptionError("Topic", "is required, not \"\"."),
            new OptionError("GroupId", "is required, not \"  \"."),
            new OptionError("AutoOffsetReset", "must be one of Latest, Earliest, Error, not 42."),
            new OptionError("MaxReports", "must be at least 1 (or null for no limit), not 0."),
            new OptionError("IdleTimeout", "must be positive (or null to wait for ever), not -00:00:03."),
            new OptionError("CommitInterval", "must be positive and at most 24.20:31:23.6470000, not 00:00:00."),
            new OptionError("SessionTimeout", "must be positive and at most 24.20:31:23.6470000, not 30.00:00:00."),
            new OptionError("Deserializer", "is required, not null."));
        e.ParamName.Should().Be("BootstrapServers");
        e.Message.Should().Contain("KafkaCrimeSourceOptions has 9 invalid properties");
    }

    [Fact]
    public void The_source_rejects_invalid_options_naming_them()
    {
        FluentActions.Invoking(() => new KafkaCrimeSource(new KafkaCrimeSourceOptions { BootstrapServers = "127.0.0.1:1", MaxReports = -1 }))
            .Should().Throw<InvalidOptionsException>().Which.ParamName.Should().Be("MaxReports");
    }

    [Fact]
    public void The_source_keeps_a_copy_that_later_changes_to_the_callers_options_do_not_reach()
    {
        Action<ConsumerConfig> configure = c => c.ClientId = "x";
        var options = new KafkaCrimeSourceOptions { BootstrapServers = "127.0.0.1:1", GroupId = "first", MaxReports = 10, Configure = configure };
        var source = new KafkaCrimeSource(options);

        options.GroupId = "second";
        options.MaxReports = 0;
        options.Deserializer = null!;

        source.Options.Should().NotBeSameAs(options);
        source.Options.GroupId.Should().Be("first");
        source.Options.MaxReports.Should().Be(10);
        source.Options.Deserializer.Should().BeSameAs(CrimeReportJsonSerializer.Instance);
        source.Options.Configure.Should().BeSameAs(configure, "delegates are kept as they are");
    }
}
