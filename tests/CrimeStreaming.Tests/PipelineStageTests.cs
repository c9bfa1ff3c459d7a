using CrimeStreaming.Csv;

namespace CrimeStreaming.Tests;

public class PipelineStageTests
{
    private static readonly DateTime Day = new(2020, 6, 1);

    private static BasicCrimeStreamer Streamer(IEnumerable<CrimeRecord> records, CrimeStreamerOptions options) =>
        new(new InMemoryCrimeRecordSource(records), options);

    private static CrimeStreamerOptions Options(int officers = 3, int seed = 42, DateTimeOffset? start = null) =>
        new() { Officers = officers, Seed = seed, AsFastAsPossible = true, SimulationStart = start };

    private static List<CrimeReport> AllReports(PreparedReplay prepared) => prepared.Officers.SelectMany(o => o.Reports).ToList();

    [Fact]
    public void Filter_keeps_descriptions_containing_any_crime_of_interest_and_drops_missing_ones()
    {
        var descriptions = new[]
        {
            "BATTERY - SIMPLE ASSAULT", "ATTEMPTED ROBBERY", "BURGLARY FROM VEHICLE", "ROBBERY", "burglary",
            "ASSAULT WITH DEADLY WEAPON, AGGRAVATED ASSAULT", "VEHICLE - STOLEN", "THEFT FROM MOTOR VEHICLE - GRAND", "", "   ", null,
        };
        var records = descriptions.Select((d, i) => TestData.Record($"{i:D3}", d, Day.AddHours(i))).ToList();
        using var prepared = Streamer(records, Options()).Prepare();

        AllReports(prepared).Select(r => r.Record.DrNumber).Should().BeEquivalentTo(["000", "001", "002", "003", "004", "005"]);
        prepared.Progress.NotOfInterest.Should().Be(2);
        prepared.Progress.MissingDescription.Should().Be(3);
    }

    [Fact]
    public void Custom_crimes_of_interest_replace_the_defaults_and_empty_keeps_all_described()
    {
        var records = new[] { "VEHICLE - STOLEN", "ROBBERY", null }.Select((d, i) => TestData.Record($"{i}", d, Day)).ToList();
        var options = Options();
        options.CrimesOfInterest = ["STOLEN"];
        using (var prepared = Streamer(records, options).Prepare())
        {
            AllReports(prepared).Select(r => r.Record.DrNumber).Should().Equal("0");
        }

        options.CrimesOfInterest = [];
        using (var prepared = Streamer(records, options).Prepare())
        {
            AllReports(prepared).Select(r => r.Record.DrNumber).Should().BeEquivalentTo(["0", "1"]);
        }
    }

    [Fact]
    public void Report_delay_is_a_whole_number_of_minutes_in_range_and_covers_it()
    {
        var records = Enumerable.Range(0, 5000).Select(i => TestData.Record($"{i}", "ROBBERY", Day.AddMinutes(i * 7))).ToList();
        using var prepared = Streamer(records, Options()).Prepare();
        var delays = AllReports(prepared)
            .Select(r => r.ReportTime - TimeZones.ToOffset(r.Record.Occurred, TimeZones.LosAngeles))
            .ToList();

        delays.Should().OnlyContain(d => d >= TimeSpan.FromMinutes(30) && d < TimeSpan.FromMinutes(90) && d.Ticks % TimeSpan.TicksPerMinute == 0);
        delays.Distinct().Should().HaveCount(60, "every minute in [30, 90) is drawn over 5,000 reports");
    }

    [Fact]
    public void Reports_not_after_the_start_are_dropped_and_counted()
    {
        var start = TimeZones.ToOffset(Day.AddHours(10), TimeZones.LosAngeles);
        var records = Enumerable.Range(0, 24 * 6).Select(i => TestData.Record($"{i}", "ROBBERY", Day.AddMinutes(i * 10))).ToList();
        using var prepared = Streamer(records, Options(start: start)).Prepare();
        var kept = AllReports(prepared);

        kept.Should().OnlyContain(r => r.ReportTime > start);
        prepared.Progress.BeforeStart.Should().BeGreaterThan(0);
        (kept.Count + prepared.Progress.BeforeStart).Should().Be(records.Count);
        prepared.Start.Should().Be(start);
    }

    [Theory]
    [InlineData(1, 10)]
    [InlineData(3, 10)]
    [InlineData(4, 1958)]
    [InlineData(7, 100)]
    [InlineData(10, 3)]
    [InlineData(5, 0)]
    public void Partitions_differ_by_at_most_one_are_sorted_and_together_are_the_filtered_set(int officers, int count)
    {
        var records = Enumerable.Range(0, count).Select(i => TestData.Record($"{i}", "ROBBERY", Day.AddMinutes((i * 7919) % 10_000))).ToList();
        using var prepared = Streamer(records, Options(officers)).Prepare();

        prepared.Officers.Should().HaveCount(officers);
        prepared.Officers.Select(o => o.OfficerId).Should().Equal(Enumerable.Range(1, officers));
        var sizes = prepared.Officers.Select(o => o.Reports.Count()).ToList();
        sizes.Should().Equal(prepared.Officers.Select(o => (int)o.Count));
        (sizes.Max() - sizes.Min()).Should().BeLessThanOrEqualTo(1);
        foreach (var officer in prepared.Officers)
        {
            officer.Reports.Where(r => r.OfficerId != officer.OfficerId).Should().BeEmpty();
            officer.Reports.Select(r => r.ReportTime).Should().BeInAscendingOrder();
        }

        AllReports(prepared).Select(r => r.Record).ToHashSet()
            .SetEquals(records).Should().BeTrue("the officers together replay exactly the filtered records, equal field for field");
        AllReports(prepared).Should().HaveCount(records.Count);
    }

    [Fact]
    public void Same_seed_gives_identical_reports_officers_and_order()
    {
        var first = Describe(42);
        var again = Describe(42);
        var other = Describe(43);

        again.Should().Equal(first);
        other.Should().NotEqual(first);
        other.Select(x => x.Dr).Order().Should().Equal(first.Select(x => x.Dr).Order(), "a different seed reorders the same reports");

        static List<(string Dr, DateTimeOffset Time, int Officer)> Describe(int seed)
        {
            var streamer = new BasicCrimeStreamer(new CsvCrimeRecordSource(TestData.Sample2020), Options(4, seed));
            using var prepared = streamer.Prepare();
            return prepared.Officers.SelectMany(o => o.Reports).Select(r => (r.Record.DrNumber, r.ReportTime, r.OfficerId)).ToList();
        }
    }

    [Fact]
    public void Real_2020_sample_holds_1958_reports_of_interest_and_every_row_is_accounted_for()
    {
        var streamer = new BasicCrimeStreamer(new CsvCrimeRecordSource(TestData.Sample2020), Options(4));
        using var prepared = streamer.Prepare();
        var summary = prepared.Progress.Snapshot();

        summary.RowsRead.Should().Be(6000);
        summary.RowsSkipped.Should().Be(0);
        summary.Scheduled.Should().Be(1958);
        summary.FilteredOut.Should().Be(4042);
        summary.BeforeStart.Should().Be(0);
        summary.IsBalanced.Should().BeTrue();
        prepared.Start.Should().Be(new DateTimeOffset(2020, 1, 1, 0, 0, 0, TimeSpan.FromHours(-8)), "the default start is the midnight before the first report");
    }

    [Fact]
    public void Skipped_rows_are_in_the_summary_with_reasons()
    {
        var csv = TestData.Header2020 + "\n" + TestData.Row2020 + "\nbroken,row\n" + TestData.Row2020.Replace(",2230,", ",2561,") + "\n";
        var path = Path.Combine(Path.GetTempPath(), $"crimes-{Guid.NewGuid():N}.csv");
        File.WriteAllText(path, csv);
        try
        {
            var streamer = new BasicCrimeStreamer(new CsvCrimeRecordSource(path), Options(2));
            using var prepared = streamer.Prepare();
            var summary = prepared.Progress.Snapshot();
            summary.RowsRead.Should().Be(3);
            summary.Scheduled.Should().Be(1);
            summary.SkippedByReason.Should().BeEquivalentTo(new Dictionary<string, long> { ["wrong field count"] = 1, ["invalid time"] = 1 });
            summary.Errors.Select(e => (e.Source, e.Line)).Should().Equal((path, 3L), (path, 4L));
            summary.IsBalanced.Should().BeTrue();
            summary.ToString().Should().Contain("skipped 1: invalid time");
        }
        finally
        {
            File.Delete(path);
        }
    }

    private sealed class EverythingStreamer(ICrimeRecordSource source, CrimeStreamerOptions options) : CrimeStreamer(source, options)
    {
        protected override bool IsDescriptionOfInterest(string description) => description.Contains("THEFT", StringComparison.Ordinal) || base.IsDescriptionOfInterest(description);
    }

    [Fact]
    public void Rows_not_of_interest_are_filtered_on_their_description_before_the_rest_is_parsed_with_the_subclass_description_rule()
    {
        var theftWithBadTime = TestData.Row2020.Replace("BATTERY - SIMPLE ASSAULT", "THEFT OF IDENTITY").Replace(",2230,", ",9999,");
        var noDescription = TestData.Row2020.Replace("BATTERY - SIMPLE ASSAULT", string.Empty);
        var csv = TestData.Header2020 + "\n" + TestData.Row2020 + "\n" + theftWithBadTime + "\n" + noDescription + "\n";
        var path = Path.Combine(Path.GetTempPath(), $"crimes-{Guid.NewGuid():N}.csv");
        File.WriteAllText(path, csv);
        try
        {
            using var basic = new BasicCrimeStreamer(new CsvCrimeRecordSource(path), Options(2)).Prepare();
            basic.Progress.Snapshot().Should().Match<StreamingSummary>(s =>
                s.RowsRead == 3 && s.Scheduled == 1 && s.NotOfInterest == 1 && s.MissingDescription == 1 && s.RowsSkipped == 0 && s.IsBalanced,
                "the theft row is dropped on its description, so its bad time is never looked at");

            var custom = new EverythingStreamer(new CsvCrimeRecordSource(path), Options(2));
            using var all = custom.Prepare();
            all.Progress.Snapshot().Should().Match<StreamingSummary>(s =>
                s.RowsRead == 3 && s.Scheduled == 1 && s.RowsSkipped == 1 && s.MissingDescription == 1 && s.IsBalanced,
                "the subclass's description rule keeps thefts, so the theft row is parsed and its bad time makes it a skipped row");
            all.Progress.Input.Errors.Should().ContainSingle().Which.Field.Should().Be("TIME OCC");
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Options_are_validated_with_clear_messages()
    {
        var source = new InMemoryCrimeRecordSource([]);
        FluentActions.Invoking(() => new BasicCrimeStreamer(source, new CrimeStreamerOptions { Officers = 0 }))
            .Should().Throw<ArgumentException>().WithMessage("*Officers must be at least 1*");
        FluentActions.Invoking(() => new BasicCrimeStreamer(source, new CrimeStreamerOptions { MaxReportDelay = TimeSpan.FromMinutes(20) }))
            .Should().Throw<ArgumentException>().WithMessage("*MaxReportDelay*greater than MinReportDelay*");
        FluentActions.Invoking(() => new BasicCrimeStreamer(source, new CrimeStreamerOptions { MinReportDelay = TimeSpan.FromSeconds(30) }))
            .Should().Throw<ArgumentException>().WithMessage("*whole number of minutes*");
        FluentActions.Invoking(() => new BasicCrimeStreamer(source, new CrimeStreamerOptions { Acceleration = double.NaN }))
            .Should().Throw<ArgumentException>().WithMessage("*Acceleration*");
        FluentActions.Invoking(() => new BasicCrimeStreamer(source, new CrimeStreamerOptions { CrimesOfInterest = ["ROBBERY", " "] }))
            .Should().Throw<ArgumentException>().WithMessage("*empty words*");
    }

    [Fact]
    public void Options_are_copied_so_later_changes_do_not_leak_in()
    {
        var options = Options(3);
        var streamer = Streamer([], options);
        options.Officers = 9;
        streamer.Options.Officers.Should().Be(3);
    }
}
