using System.Text.Json;
using CrimeStreaming.Aggregation;
using CrimeStreaming.Kafka.Analysis;
using CrimeStreaming.ScaleOut;

namespace CrimeStreaming.Kafka.Tests.Unit;

/// <summary>
/// <see cref="KafkaWindowAnalyserOptions.Analyses"/> and <see cref="KafkaWindowAnalyserOptions.PaneLength"/>: every
/// problem of every analysis is reported before any work starts, naming the analysis and the offending values.
/// </summary>
public class AnalysesOptionsTests
{
    private static readonly IWindowAggregate<CrimeReport, long, long> Count = WindowAggregate.Count<CrimeReport>();

    private static KafkaWindowAnalyserOptions With(TimeSpan pane, params WindowedAnalysis[] analyses) =>
        new() { BootstrapServers = "127.0.0.1:9092", PaneLength = pane, Analyses = analyses };

    [Fact]
    public void Analyses_on_a_half_hour_pane_with_windows_of_whole_panes_are_valid()
    {
        var options = With(
            TimeSpan.FromMinutes(30),
            WindowedAnalysis.Create("robberies", Count, new WindowDefinition(TimeSpan.FromHours(3), TimeSpan.FromMinutes(30))),
            WindowedAnalysis.Create("daily", Count, new WindowDefinition(TimeSpan.FromDays(1), TimeSpan.FromDays(1))));

        FluentActions.Invoking(options.Validate).Should().NotThrow();
        AnalysisSettings.Of(options, 6).Analyses.Should().Equal(
            "crime-snapshot: 1h tumbling, 6h sliding 1h, 12h sliding 1h", "robberies: 3h sliding 30m", "daily: 24h tumbling");
    }

    [Fact]
    public void Every_bad_window_name_and_repeated_name_is_reported_at_once()
    {
        var options = With(
            TimeSpan.FromMinutes(30),
            WindowedAnalysis.Create("odd", Count, new WindowDefinition(TimeSpan.FromMinutes(45), TimeSpan.FromMinutes(30)), new WindowDefinition(TimeSpan.FromHours(2), TimeSpan.FromMinutes(50))),
            WindowedAnalysis.Create("long-slide", Count, new WindowDefinition(TimeSpan.FromHours(1), TimeSpan.FromHours(2))),
            WindowedAnalysis.Create("none", Count),
            WindowedAnalysis.Create("bad name", Count, WindowDefinition.Hours(1)),
            WindowedAnalysis.Create("twice", Count, WindowDefinition.Hours(1)),
            WindowedAnalysis.Create("twice", Count, WindowDefinition.Hours(2)),
            WindowedAnalysis.Create(WindowedAnalysis.CrimeSnapshotName, Count, WindowDefinition.Hours(1)));

        var errors = FluentActions.Invoking(options.Validate).Should().Throw<InvalidOptionsException>().Which.Errors;

        errors.Should().OnlyContain(e => e.Property == "Analyses");
        errors.Select(e => e.Message).Should().Equal(
            "odd: the window length 45m is not a multiple of the pane 30m.",
            "odd: the slide 50m of the 2h windows is not a multiple of the pane 30m.",
            "long-slide: the slide 2h must be positive and at most the window length 1h.",
            "none: at least one window is needed.",
            "bad name: the name \"bad name\" must be letters, digits, '.', '_' or '-'.",
            "two analyses are named \"crime-snapshot\" (the crime snapshot's name, which every group runs): names must be unique.",
            "two analyses are named \"twice\": names must be unique.");
    }

    [Fact]
    public void Crime_snapshot_windows_that_are_not_whole_panes_are_refused()
    {
        var options = With(TimeSpan.FromHours(2));

        FluentActions.Invoking(options.Validate).Should().Throw<InvalidOptionsException>()
            .Which.Errors.Select(e => e.Message).Should().Contain("crime-snapshot: the window length 1h is not a multiple of the pane 2h.");
    }

    [Fact]
    public void An_aggregate_whose_serializer_fails_or_reads_back_another_value_is_refused_at_start_up()
    {
        var throws = new BrokenAggregate(writeThrows: true);
        var forgets = new BrokenAggregate(writeThrows: false);
        var options = With(Panes.Length, WindowedAnalysis.Create("throws", throws, WindowDefinition.Hours(1)), WindowedAnalysis.Create("forgets", forgets, WindowDefinition.Hours(1)));

        var errors = FluentActions.Invoking(() => new KafkaWindowAnalyser(options)).Should().Throw<InvalidOptionsException>().Which.Errors;

        errors.Select(e => e.Message).Should().Equal(
            "throws: the aggregate failed on sample reports (InvalidOperationException: no serializer for tallies).",
            "forgets: the aggregate's accumulator does not read back as it was written: wrote {\"Seen\":1}, read back {\"Seen\":0} (give it a Write and Read that round-trip).");
    }

    [Fact]
    public void Pane_length_out_of_range_and_missing_analyses_are_reported()
    {
        var options = new KafkaWindowAnalyserOptions { BootstrapServers = "127.0.0.1:9092", PaneLength = TimeSpan.Zero, Analyses = null! };

        FluentActions.Invoking(options.Validate).Should().Throw<InvalidOptionsException>().Which.Errors.Should().Equal(
            new OptionError("PaneLength", "must be positive and at most 1.00:00:00, not 00:00:00."),
            new OptionError("Analyses", "is required (empty for the crime snapshot alone), not null."));
    }

    [Fact]
    public void Members_that_run_other_analyses_differ_by_name_and_windows()
    {
        var mine = AnalysisSettings.Of(With(Panes.Length, WindowedAnalysis.Create("a", Count, WindowDefinition.Hours(2))), 3);
        var group = AnalysisSettings.Of(With(Panes.Length, WindowedAnalysis.Create("a", Count, WindowDefinition.Hours(3))), 3);

        mine.DifferencesFrom(group).Should().Equal("Analyses: the group's crime-snapshot: 1h tumbling, 6h sliding 1h, 12h sliding 1h; a: 3h sliding 1h, this member's crime-snapshot: 1h tumbling, 6h sliding 1h, 12h sliding 1h; a: 2h sliding 1h");
    }

    /// <summary>An accumulator with a private setter: System.Text.Json writes it and reads back a zero, or a writer that throws.</summary>
    private sealed class BrokenAggregate(bool writeThrows) : WindowAggregate<CrimeReport, Tally, long>
    {
        public override Tally CreateAccumulator() => new();

        public override Tally Add(Tally accumulator, CrimeReport item) => accumulator.Plus(1);

        public override Tally Merge(Tally accumulator, Tally other) => accumulator.Plus(other.Seen);

        public override long GetResult(Tally accumulator) => accumulator.Seen;

        public override void Write(Utf8JsonWriter writer, Tally accumulator)
        {
            if (writeThrows)
            {
                throw new InvalidOperationException("no serializer for tallies");
            }

            base.Write(writer, accumulator);
        }
    }

    private sealed class Tally
    {
        public long Seen { get; private set; }

        public Tally Plus(long n)
        {
            Seen += n;
            return this;
        }
    }
}
