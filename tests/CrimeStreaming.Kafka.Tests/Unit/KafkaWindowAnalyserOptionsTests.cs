using CrimeStreaming.Kafka.Analysis;
namespace CrimeStreaming.Kafka.Tests.Unit;

/// <summary><see cref="KafkaWindowAnalyserOptions"/>: every invalid property reported at once by name, and copied by the analyser and the results reader. No cluster.</summary>
public class KafkaWindowAnalyserOptionsTests
{
    [Fact]
    public void The_defaults_with_bootstrap_servers_are_valid_and_use_the_JSON_codec()
    {
        var options = new KafkaWindowAnalyserOptions { BootstrapServers = "127.0.0.1:9092" };

        FluentActions.Invoking(options.Validate).Should().NotThrow();
        options.Deserializer.Should().BeSameAs(CrimeReportJsonSerializer.Instance);
    }

    [Fact]
    public void Every_invalid_property_is_reported_at_once_by_name_with_its_value()
    {
        var options = new KafkaWindowAnalyserOptions
        {
            Topic = "crimes",
            ResultsTopic = "crimes",
            GroupId = "",
            AllowedDisorder = TimeSpan.FromMinutes(-1),
            IdleTimeout = TimeSpan.Zero,
            CommitInterval = TimeSpan.FromMinutes(2),
            UnreachableTimeout = TimeSpan.FromSeconds(-1),
            SessionTimeout = TimeSpan.FromMinutes(6),
            WindowHours = [1, 0, 9_000],
            Top = 0,
            IsNear = null!,
            RestoreTimeout = TimeSpan.FromHours(2),
            Deserializer = null!,
        };

        var e = FluentActions.Invoking(options.Validate).Should().Throw<InvalidOptionsException>().Which;

        e.OptionsType.Should().Be(nameof(KafkaWindowAnalyserOptions));
        e.Errors.Should().Equal(
            new OptionError("BootstrapServers", "is required, not \"\"."),
            new OptionError("ResultsTopic", "must differ from Topic, not \"crimes\" (the same)."),
            new OptionError("GroupId", "is required, not \"\"."),
            new OptionError("AllowedDisorder", "must be from 0 to 366 days, not -00:01:00."),
            new OptionError("IdleTimeout", "must be positive and at most 01:00:00, not 00:00:00."),
            new OptionError("CommitInterval", "must be positive and at most 00:01:00, not 00:02:00."),
            new OptionError("UnreachableTimeout", "must be positive and at most 01:00:00, not -00:00:01."),
            new OptionError("SessionTimeout", "must be positive and at most 00:05:00, not 00:06:00."),
            new OptionError("WindowHours", "must hold lengths from 1 to 8,784 hours (a year), not 0, 9000."),
            new OptionError("Top", "must be at least 1, not 0."),
            new OptionError("IsNear", "is required, not null."),
            new OptionError("RestoreTimeout", "must be positive and at most 01:00:00, not 02:00:00."),
            new OptionError("Deserializer", "is required, not null."));
        e.ParamName.Should().Be("BootstrapServers");
    }

    [Theory]
    [InlineData(null, "is required, not null.")]
    [InlineData(new int[0], "must hold at least one window length, not none.")]
    public void Missing_window_lengths_are_reported(int[]? hours, string message)
    {
        var options = new KafkaWindowAnalyserOptions { BootstrapServers = "127.0.0.1:9092", WindowHours = hours! };

        FluentActions.Invoking(options.Validate).Should().Throw<InvalidOptionsException>()
            .Which.Errors.Should().Equal(new OptionError("WindowHours", message));
    }

    [Fact]
    public void Clone_copies_the_window_lengths_and_shares_the_delegates()
    {
        var hours = new List<int> { 1, 6 };
        Func<CrimeRecord, bool> near = _ => true;
        var options = new KafkaWindowAnalyserOptions { BootstrapServers = "127.0.0.1:9092", WindowHours = hours, IsNear = near };

        var copy = options.Clone();
        hours.Add(0);

        copy.WindowHours.Should().Equal(1, 6);
        copy.IsNear.Should().BeSameAs(near);
        copy.Deserializer.Should().BeSameAs(options.Deserializer);
    }

    [Fact]
    public void The_analyser_and_the_results_reader_keep_copies_that_later_changes_to_the_callers_options_do_not_reach()
    {
        var hours = new List<int> { 1, 6 };
        var options = new KafkaWindowAnalyserOptions { BootstrapServers = "127.0.0.1:1", WindowHours = hours, Top = 3 };
        var analyser = new KafkaWindowAnalyser(options);
        using var results = new KafkaWindowResults(options);

        hours.Add(0);
        options.Top = 0;
        options.GroupId = "other";

        foreach (var kept in new[] { analyser.Options, results.Options })
        {
            kept.Should().NotBeSameAs(options);
            kept.WindowHours.Should().Equal(1, 6);
            kept.Top.Should().Be(3);
            kept.GroupId.Should().Be("crimestreaming-analysis");
        }
    }

    [Fact]
    public void The_analyser_and_the_results_reader_reject_invalid_options_naming_them()
    {
        var options = new KafkaWindowAnalyserOptions { BootstrapServers = "127.0.0.1:1", Top = -1 };

        FluentActions.Invoking(() => new KafkaWindowAnalyser(options)).Should().Throw<InvalidOptionsException>().Which.ParamName.Should().Be("Top");
        FluentActions.Invoking(() => new KafkaWindowResults(options)).Should().Throw<InvalidOptionsException>().Which.ParamName.Should().Be("Top");
    }
}
