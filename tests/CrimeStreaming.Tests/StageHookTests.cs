using CrimeStreaming.Csv;
using CrimeStreaming.Storage;

namespace CrimeStreaming.Tests;

/// <summary>
/// The stages are hooks about one concern each, counted by the base class: whatever a subclass overrides, the summary
/// accounts for every row; storage is a strategy that never changes what is replayed.
/// </summary>
public sealed class StageHookTests
{
    private static readonly DateTime Day = new(2020, 6, 1);

    private static CrimeStreamerOptions Options(int officers = 4) => new() { Officers = officers, Seed = 11, AsFastAsPossible = true };

    private static List<CrimeRecord> Records(int n) =>
        Enumerable.Range(0, n).Select(i => TestData.Record($"{i:D4}", i % 3 == 0 ? "ROBBERY" : i % 3 == 1 ? "BURGLARY" : "THEFT", Day.AddMinutes(7 * i), area: $"Area {i % 5}")).ToList();

    [Fact]
    public async Task Every_hook_overridden_at_once_still_gives_a_balanced_summary_with_each_outcome_counted()
    {
        var records = Records(300);
        var streamer = new EveryHookStreamer(new InMemoryCrimeRecordSource(records), Options());

        var sink = new RecordingSink();
        var summary = await streamer.RunAsync(sink);

        // THEFT (100) passes the description rule; every 4th record fails the record rule; odd minutes fall before the
        // start; the last 30 after the end.
        var described = records.Where(r => r.CrimeDescription is "ROBBERY" or "BURGLARY" or "THEFT").ToList();
        var kept = described.Where(r => int.Parse(r.DrNumber) % 4 != 0).ToList();
        var afterSpan = kept.Count(r => int.Parse(r.DrNumber) >= 270);
        var beforeStart = kept.Count(r => int.Parse(r.DrNumber) < 270 && int.Parse(r.DrNumber) % 2 == 1);
        summary.NotOfInterest.Should().Be(described.Count - kept.Count);
        summary.AfterEnd.Should().Be(afterSpan);
        summary.BeforeStart.Should().Be(beforeStart);
        summary.Scheduled.Should().Be(kept.Count - afterSpan - beforeStart);
        summary.Emitted.Should().Be(summary.Scheduled).And.Be(sink.Written.Count);
        summary.IsBalanced.Should().BeTrue();
        sink.Written.Should().OnlyContain(w => w.Report.OfficerId == 1 + (int.Parse(w.Report.Record.DrNumber) % 4));
    }

    [Fact]
    public async Task A_replay_override_that_writes_to_the_sink_is_counted_as_emitted_without_calling_any_counter()
    {
        var streamer = new EveryOtherOfficerStreamer(new InMemoryCrimeRecordSource(Records(90)), Options(officers: 2));

        var sink = new RecordingSink();
        var summary = await streamer.RunAsync(sink);

        summary.Emitted.Should().Be(sink.Written.Count).And.BeGreaterThan(0);
        summary.NotEmitted.Should().Be(summary.Scheduled - sink.Written.Count).And.BeGreaterThan(0);
        sink.Completions.Should().Be(1, "the streamer completes the sink once; the replay's view of it cannot complete it");
    }

    [Theory]
    [InlineData(0)]
    [InlineData(5)]
    public void An_officer_outside_1_to_Officers_fails_preparation_naming_the_record(int officer)
    {
        var streamer = new FixedOfficerStreamer(new InMemoryCrimeRecordSource(Records(3)), Options(officers: 4), (_, _) => officer);

        var act = () => streamer.Prepare();

        act.Should().Throw<InvalidOperationException>()
            .WithMessage($"FixedOfficerStreamer.AssignOfficer gave officer {officer} to record 0000; officers are numbered 1 to 4.");
    }

    [Fact]
    public async Task A_subclass_runs_the_same_in_memory_and_disk_backed_storage()
    {
        var options = Options(officers: 5);
        var inMemory = new FixedOfficerStreamer(new CsvCrimeRecordSource(TestData.Sample2010), options, AreaOfficer);
        var storage = new DiskBackedReportStorage(new DiskBackedOptions { MemoryBudgetBytes = 64 << 10 });
        var diskBacked = new FixedOfficerStreamer(new CsvCrimeRecordSource(TestData.Sample2010), options, AreaOfficer, storage);

        var a = new RecordingSink();
        var b = new RecordingSink();
        var summaryA = await inMemory.RunAsync(a);
        var summaryB = await diskBacked.RunAsync(b);

        storage.LastSpill!.Runs.Should().BeGreaterThan(5, "the budget is small enough to spill");
        b.Written.Select(w => w.Report).Should().Equal(a.Written.Select(w => w.Report));
        summaryB.ToString().Should().Be(summaryA.ToString());
        a.Written.Should().OnlyContain(w => w.Report.OfficerId == AreaOfficer(w.Report.Record, 5));
    }

    [Fact]
    public void A_storage_that_returns_the_wrong_number_of_partitions_fails_preparation_and_releases_what_it_returned()
    {
        var released = 0;
        var storage = new ShortStorage(() => released++);
        var streamer = new FixedOfficerStreamer(new InMemoryCrimeRecordSource(Records(10)), Options(officers: 3), (_, _) => 1, storage);

        var act = () => streamer.Prepare();

        act.Should().Throw<InvalidOperationException>().WithMessage("ShortStorage.Partition returned 1 partitions for 3 officers.");
        released.Should().Be(1);
    }

    [Fact]
    public void The_description_rule_of_a_subclass_is_applied_by_the_CSV_reader_before_parsing_and_by_the_filter_stage_otherwise()
    {
        using var fromCsv = new EveryHookStreamer(new CsvCrimeRecordSource(TestData.Sample2020), Options()).Prepare();
        var records = new CsvCrimeRecordSource(TestData.Sample2020).Read(new RecordReadContext(new ReadStatistics()), CancellationToken.None).ToList();
        using var fromMemory = new EveryHookStreamer(new InMemoryCrimeRecordSource(records), Options()).Prepare();

        var csv = fromCsv.Progress.Snapshot();
        var memory = fromMemory.Progress.Snapshot();
        var failingDescription = records.Count(r => string.IsNullOrWhiteSpace(r.CrimeDescription) || !(r.CrimeDescription == "THEFT"
            || new[] { "ASSAULT", "BURGLARY", "ROBBERY" }.Any(w => r.CrimeDescription.Contains(w, StringComparison.OrdinalIgnoreCase))));
        csv.RowsPrefiltered.Should().Be(failingDescription).And.BeGreaterThan(1000, "the subclass's rule runs in the reader");
        memory.RowsPrefiltered.Should().Be(0, "records in memory are built already: the filter stage applies the rule");
        (csv.NotOfInterest, csv.MissingDescription, csv.Scheduled, csv.BeforeStart, csv.AfterEnd)
            .Should().Be((memory.NotOfInterest, memory.MissingDescription, memory.Scheduled, memory.BeforeStart, memory.AfterEnd));
        csv.IsBalanced.Should().BeTrue();
        memory.IsBalanced.Should().BeTrue();
    }

    /// <summary>Overrides every per-record hook: thefts count, every 4th DR number does not, odd minutes are before the start, DR ≥ 270 after the end, officer = DR mod 4.</summary>
    private sealed class EveryHookStreamer(ICrimeRecordSource source, CrimeStreamerOptions options) : CrimeStreamer(source, options)
    {
        protected override bool IsDescriptionOfInterest(string description) => base.IsDescriptionOfInterest(description) || description == "THEFT";

        protected override bool IsOfInterest(CrimeRecord record) => !int.TryParse(record.DrNumber, out var dr) || dr % 4 != 0;

        protected override DateTimeOffset SimulateReportTime(CrimeRecord record, Random random) => new(record.Occurred, TimeSpan.Zero);

        protected override bool IsBeforeStart(DateTimeOffset reportTime) => reportTime.Minute % 2 == 1 && reportTime < new DateTimeOffset(Day.AddMinutes(7 * 270), TimeSpan.Zero);

        protected override bool IsAfterEnd(DateTimeOffset reportTime) => reportTime >= new DateTimeOffset(Day.AddMinutes(7 * 270), TimeSpan.Zero);

        protected override int AssignOfficer(CrimeRecord record, DateTimeOffset reportTime, OfficerDeck deck) =>
            int.TryParse(record.DrNumber, out var dr) ? 1 + (int)(dr % deck.Officers) : deck.Deal();
    }

    /// <summary>Replays only officer 1's reports, writing straight to the sink.</summary>
    private sealed class EveryOtherOfficerStreamer(ICrimeRecordSource source, CrimeStreamerOptions options) : BasicCrimeStreamer(source, options)
    {
        protected override async Task ReplayOfficersAsync(PreparedReplay prepared, SimulationClock clock, ICrimeReportSink sink, CancellationToken cancellationToken)
        {
            foreach (var report in prepared.Officers[0].Reports)
            {
                await sink.WriteAsync(report, cancellationToken);
            }

            var complete = () => sink.CompleteAsync(null, cancellationToken).AsTask();
            await complete.Should().ThrowAsync<InvalidOperationException>();
        }
    }

    /// <summary>One officer per area, wrapped around the officer count.</summary>
    private static int AreaOfficer(CrimeRecord record, int officers) => ((int.Parse(record.AreaId) - 1) % officers) + 1;

    /// <summary>Assigns officers by <paramref name="assign"/>(record, officer count) and nothing else.</summary>
    private sealed class FixedOfficerStreamer(ICrimeRecordSource source, CrimeStreamerOptions options, Func<CrimeRecord, int, int> assign, IReportStorage? storage = null)
        : CrimeStreamer(source, options, storage)
    {
        protected override int AssignOfficer(CrimeRecord record, DateTimeOffset reportTime, OfficerDeck deck) => assign(record, deck.Officers);
    }

    private sealed class ShortStorage(Action release) : IReportStorage
    {
        public IReadOnlyList<OfficerPartition> Partition(IEnumerable<CrimeReport> reports, int officers, CancellationToken cancellationToken)
        {
            var all = reports.ToList();
            return [new OfficerPartition(1, all.Count, all, release)];
        }
    }
}
