using System.Reactive.Linq;
using System.Reactive.Subjects;
using CrimeStreaming.Csv;
using CrimeStreaming.Windowing;
using Microsoft.Extensions.Logging;

namespace CrimeStreaming.Tests;

/// <summary>The streamer on odd data: extreme dates, outlying years, daylight-saving changes, out-of-range options.</summary>
public class OddInputStreamerTests
{
    private static readonly TimeZoneInfo LosAngeles = TimeZones.LosAngeles;

    private static CrimeStreamerOptions Options(Action<CrimeStreamerOptions>? configure = null)
    {
        var options = new CrimeStreamerOptions { Officers = 3, Seed = 7, AsFastAsPossible = true };
        configure?.Invoke(options);
        return options;
    }

    private static async Task<(StreamingSummary Summary, List<CrimeReport> Reports)> Run(ICrimeRecordSource source, CrimeStreamerOptions options, ILogger? logger = null)
    {
        var sink = new RecordingSink();
        var summary = await new BasicCrimeStreamer(source, options, logger).RunAsync(sink);
        return (summary, sink.Written.Select(w => w.Report).ToList());
    }

    private static CsvCrimeRecordSource CsvText(string text, CrimeCsvOptions? options = null) => new("test.csv", () => new StringReader(text), options);

    private static List<CrimeRecord> Robberies(int count, DateTime first) =>
        Enumerable.Range(0, count).Select(i => TestData.Record($"{i:D4}", "ROBBERY", first.AddHours(i))).ToList();

    [Theory]
    [InlineData(9999, 12, 31)]
    [InlineData(1, 1, 1)]
    public async Task Records_at_the_ends_of_the_calendar_are_skipped_not_a_crash(int year, int month, int day)
    {
        var records = Robberies(10, new DateTime(2020, 3, 1));
        records.Insert(4, TestData.Record("EDGE", "ROBBERY", new DateTime(year, month, day, 23, 59, 0)));
        var (summary, reports) = await Run(new InMemoryCrimeRecordSource(records), Options());
        reports.Should().HaveCount(10);
        summary.IsBalanced.Should().BeTrue();
        summary.SkippedByReason.Should().Equal(new Dictionary<string, long> { ["date out of range"] = 1 });
        summary.Errors.Should().ContainSingle().Which.Should().Match<RowError>(e => e.Field == "DateOccurred" && e.Detail.Contains("EDGE"));
    }

    [Fact]
    public async Task A_year_9999_date_in_a_file_is_skipped_by_the_reader_on_the_prefilter_path()
    {
        var row = TestData.Row2020.Replace(",01/08/2020 00:00,2230,", ",12/31/9999 00:00,2359,");
        var (summary, reports) = await Run(CsvText(TestData.Header2020 + "\n" + TestData.Row2020 + "\n" + row + "\n"), Options());
        reports.Should().ContainSingle();
        summary.IsBalanced.Should().BeTrue();
        summary.Errors.Should().ContainSingle().Which.Should().Match<RowError>(e => e.Line == 3 && e.Reason == "date out of range");
    }

    [Fact]
    public async Task Year_0001_report_does_not_crash_event_time_snapshots_aligned_to_the_start()
    {
        var report = new CrimeReport(TestData.Record("1", "ROBBERY", DateTime.MinValue), new DateTimeOffset(1, 1, 1, 0, 30, 0, TimeSpan.Zero), 1);
        var start = new DateTimeOffset(1, 1, 1, 0, 0, 0, TimeSpan.FromHours(-8)) + TimeSpan.FromMinutes(7);
        var results = await new[] { report }.ToObservable()
            .EventTimeSnapshots(TimeSpan.FromHours(6), TimeSpan.FromHours(1), TimeSpan.FromHours(1), origin: start)
            .ToList();
        results.Should().NotBeEmpty().And.OnlyContain(w => w.Total == 1 && w.Start <= report.ReportTime && w.End > report.ReportTime);
    }

    [Fact]
    public async Task A_typo_year_is_warned_about_and_SimulationEnd_drops_it_keeping_the_summary_balanced()
    {
        var records = Robberies(200, new DateTime(2020, 1, 1));
        records.Add(TestData.Record("TYPO", "ROBBERY", new DateTime(6020, 1, 8, 22, 30, 0)));
        var logger = new ListLogger();
        var (summary, reports) = await Run(new InMemoryCrimeRecordSource(records), Options(), logger);
        reports.Should().HaveCount(201);
        summary.Warnings.Should().ContainSingle().Which.Should().Contain("6020-01-08").And.Contain("SimulationEnd").And.Contain("1 report(s)");
        logger.Entries.Should().Contain(e => e.Level == LogLevel.Warning && e.Message.Contains("SimulationEnd"));
        summary.ToString().Should().Contain("warning: The latest report");

        var end = new DateTimeOffset(2021, 1, 1, 0, 0, 0, TimeSpan.Zero);
        (summary, reports) = await Run(new InMemoryCrimeRecordSource(records), Options(o => o.SimulationEnd = end));
        reports.Should().HaveCount(200).And.OnlyContain(r => r.ReportTime <= end);
        summary.AfterEnd.Should().Be(1);
        summary.Warnings.Should().BeEmpty();
        summary.IsBalanced.Should().BeTrue();
        summary.ToString().Should().Contain("after end 1");
    }

    [Fact]
    public async Task Ordinary_data_gets_no_span_warning()
    {
        var (summary, _) = await Run(new CsvCrimeRecordSource(TestData.Sample2020), Options());
        summary.Warnings.Should().BeEmpty();
        (summary, _) = await Run(new CsvCrimeRecordSource(TestData.Sample2010), Options());
        summary.Warnings.Should().BeEmpty();
    }

    [Fact]
    public async Task An_hourly_DStream_over_a_replay_bounded_by_SimulationEnd_has_few_batches()
    {
        var records = Robberies(48, new DateTime(2020, 1, 1));
        records.Add(TestData.Record("TYPO", "ROBBERY", new DateTime(6020, 1, 1, 12, 0, 0)));
        var options = Options(o => o.SimulationEnd = new DateTimeOffset(2020, 1, 4, 0, 0, 0, TimeSpan.Zero));
        var streamer = new BasicCrimeStreamer(new InMemoryCrimeRecordSource(records), options);
        using var prepared = streamer.Prepare();
        var clock = new VirtualClock(prepared.Start);
        var sink = new ObservableCrimeSink();
        var batches = 0;
        using (sink.ToDStream(TimeSpan.FromHours(1), clock.Scheduler).Subscribe(_ => batches++))
        {
            await streamer.ReplayAsync(prepared, clock, sink);
        }

        batches.Should().BeLessThan(60);
        prepared.Progress.AfterEnd.Should().Be(1);
    }

    [Fact]
    public async Task Prefiltered_rows_are_counted_apart_from_parsed_rows()
    {
        var theft = TestData.Row2020.Replace("BATTERY - SIMPLE ASSAULT", "THEFT OF IDENTITY");
        var csv = TestData.Header2020 + "\n" + string.Join("\n", TestData.Row2020, theft, theft, TestData.Row2020.Replace(",2230,", ",xx,")) + "\n";
        var (summary, reports) = await Run(CsvText(csv), Options());
        reports.Should().ContainSingle();
        summary.RowsRead.Should().Be(4);
        summary.RowsPrefiltered.Should().Be(2);
        summary.RowsParsed.Should().Be(1);
        summary.RowsSkipped.Should().Be(1);
        summary.LinesRead.Should().Be(5);
        summary.IsBalanced.Should().BeTrue();

        // Without the prefilter (a custom source) every row is parsed.
        var stats = new ReadStatistics();
        TestData.ReadAll(csv, statistics: stats);
        stats.RowsPrefiltered.Should().Be(0);
        stats.RowsParsed.Should().Be(3);
    }

    [Fact]
    public async Task A_read_that_stopped_early_makes_the_summary_unbalanced()
    {
        var broken = TestData.Row2020.Replace(",AO,", ",\"AO," + new string('y', 200));
        var csv = TestData.Header2020 + "\n" + TestData.Row2020 + "\n" + broken + "\n" + TestData.Row2020 + "\n";
        var (summary, reports) = await Run(CsvText(csv, new CrimeCsvOptions { MaxFieldLength = 100 }), Options());
        reports.Should().ContainSingle();
        summary.FatalError.Should().NotBeNull();
        summary.IsBalanced.Should().BeFalse("rows after the unterminated quote were never read");
        summary.ToString().Should().Contain("reading stopped early");
    }

    [Theory]
    [InlineData("2020-11-01T01:50", 40, "2020-11-01T01:30:00-08:00")] // PDT occurrence, reported after clocks fell back
    [InlineData("2020-11-01T00:50", 40, "2020-11-01T01:30:00-07:00")] // still PDT: the first 01:30
    [InlineData("2020-03-08T01:50", 40, "2020-03-08T03:30:00-07:00")] // PST occurrence, reported after clocks sprang forward
    [InlineData("2020-06-01T10:00", 40, "2020-06-01T10:40:00-07:00")]
    public void Report_times_carry_the_zone_offset_at_the_report_instant(string occurred, int delayMinutes, string expected)
    {
        var record = TestData.Record("1", "ROBBERY", DateTime.Parse(occurred, System.Globalization.CultureInfo.InvariantCulture));
        var options = Options(o =>
        {
            o.MinReportDelay = TimeSpan.FromMinutes(delayMinutes);
            o.MaxReportDelay = TimeSpan.FromMinutes(delayMinutes + 1);
            o.Officers = 1;
        });
        using var prepared = new BasicCrimeStreamer(new InMemoryCrimeRecordSource([record]), options).Prepare();
        var report = prepared.Officers[0].Reports.Single();
        report.ReportTime.Should().Be(DateTimeOffset.Parse(expected, System.Globalization.CultureInfo.InvariantCulture));
        report.ReportTime.Offset.Should().Be(LosAngeles.GetUtcOffset(report.ReportTime));
        LosAngeles.IsInvalidTime(report.ReportTime.DateTime).Should().BeFalse();
    }

    [Fact]
    public void Default_start_is_midnight_on_or_before_the_earliest_report_time()
    {
        // Occurred at 23:50 on May 31, reported at 00:20 on June 1: the replay starts at midnight of June 1.
        var record = TestData.Record("1", "ROBBERY", new DateTime(2020, 5, 31, 23, 50, 0));
        var options = Options(o =>
        {
            o.MinReportDelay = TimeSpan.FromMinutes(30);
            o.MaxReportDelay = TimeSpan.FromMinutes(31);
        });
        using var prepared = new BasicCrimeStreamer(new InMemoryCrimeRecordSource([record]), options).Prepare();
        prepared.Start.Should().Be(new DateTimeOffset(2020, 6, 1, 0, 0, 0, TimeSpan.FromHours(-7)));
        prepared.Progress.BeforeStart.Should().Be(0);
    }

    [Theory]
    [InlineData(1e-9)]
    [InlineData(0.5)]
    [InlineData(1e12)]
    [InlineData(10_000_001)]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    [InlineData(double.NegativeInfinity)]
    public void Acceleration_outside_1_to_10_million_is_rejected(double acceleration)
    {
        FluentActions.Invoking(() => Options(o => o.Acceleration = acceleration).Validate())
            .Should().Throw<InvalidOptionsException>().Where(e => e.ParamName == "Acceleration" && e.Message.Contains("10,000,000"));
    }

    [Theory]
    [InlineData(CrimeStreamerOptions.MinAcceleration)]
    [InlineData(CrimeStreamerOptions.MaxAcceleration)]
    public void Acceleration_range_ends_are_accepted(double acceleration) =>
        FluentActions.Invoking(() => Options(o => o.Acceleration = acceleration).Validate()).Should().NotThrow();

    [Fact]
    public void Validate_reports_every_invalid_property_at_once()
    {
        var options = Options(o =>
        {
            o.CrimesOfInterest = ["ROBBERY", " "];
            o.Officers = 0;
            o.Acceleration = 1e12;
            o.MaxReportDelay = TimeSpan.FromDays(400);
            o.SimulationStart = new DateTimeOffset(2020, 1, 2, 0, 0, 0, TimeSpan.Zero);
            o.SimulationEnd = new DateTimeOffset(2020, 1, 1, 0, 0, 0, TimeSpan.Zero);
        });
        var e = FluentActions.Invoking(options.Validate).Should().Throw<InvalidOptionsException>().Which;
        e.Should().BeAssignableTo<ArgumentException>();
        e.OptionsType.Should().Be("CrimeStreamerOptions");
        e.Errors.Select(x => x.Property).Should().Equal("CrimesOfInterest", "MaxReportDelay", "Officers", "Acceleration", "SimulationEnd");
        e.Message.Should().Contain("5 invalid properties").And.Contain("Officers must be at least 1").And.Contain("SimulationEnd must be after SimulationStart");
    }

    [Fact]
    public async Task The_accelerated_clock_saturates_instead_of_overflowing()
    {
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider();
        var clock = new AcceleratedClock(new DateTimeOffset(9999, 1, 1, 0, 0, 0, TimeSpan.Zero), 1e12, time);
        clock.Run();
        time.Advance(TimeSpan.FromDays(3650));
        clock.Now.Should().Be(DateTimeOffset.MaxValue);
        clock.ToRealTime(TimeSpan.MaxValue).Should().BeGreaterThan(TimeSpan.Zero);

        var slow = new AcceleratedClock(new DateTimeOffset(2020, 1, 1, 0, 0, 0, TimeSpan.Zero), 1e-9, time);
        slow.ToRealTime(TimeSpan.FromDays(1)).Should().Be(TimeSpan.MaxValue);
        using var cancel = new CancellationTokenSource();
        var wait = slow.WaitUntilAsync(new DateTimeOffset(2020, 1, 2, 0, 0, 0, TimeSpan.Zero), cancel.Token).AsTask();
        time.Advance(TimeSpan.FromDays(2)); // steps of a day at most: timers cannot wait longer than about 49 days
        wait.IsCompleted.Should().BeFalse();
        await cancel.CancelAsync();
        await FluentActions.Awaiting(() => wait).Should().ThrowAsync<OperationCanceledException>();
    }

    private sealed class ListLogger : ILogger
    {
        public List<(LogLevel Level, string Message)> Entries { get; } = [];

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            lock (Entries)
            {
                Entries.Add((logLevel, formatter(state, exception)));
            }
        }
    }
}
