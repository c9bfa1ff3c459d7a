using CrimeStreaming.Aggregation;
using CrimeStreaming.ScaleOut;

namespace CrimeStreaming.Tests.ScaleOut;

public class GlobalWindowMergerTests
{
    private static readonly DateTimeOffset H0 = ScaleOutData.Start;

    private static DateTimeOffset Hour(int h) => H0.AddHours(h);

    /// <summary>Reports numbered from <paramref name="first"/> at minute 10 of hour <paramref name="hour"/>.</summary>
    private static List<CrimeReport> At(int hour, int count, int first = 0) =>
        Enumerable.Range(first, count).Select(n => ScaleOutData.Report(Hour(hour).AddMinutes(10), n)).ToList();

    private static PanePartial Partial(int partition, int hour, IEnumerable<CrimeReport> reports)
    {
        var counts = new CrimeCounts();
        foreach (var r in reports)
        {
            counts.Add(r.Record, ScaleOutData.Near(r.Record));
        }

        return new PanePartial(partition, Hour(hour), counts);
    }

    private static PartitionProgress Progress(int partition, int partitions, int closedThroughHour, PartitionState state = PartitionState.Active) =>
        new(partition, partitions, Hour(closedThroughHour), state);

    private static PartitionProgress Ended(int partition, int partitions) =>
        new(partition, partitions, DateTimeOffset.MaxValue, PartitionState.Ended);

    [Fact]
    public void An_identical_repeat_of_a_partial_is_a_duplicate_and_counted_once()
    {
        using var merger = new GlobalWindowMerger(1);
        var reports = At(0, 3);
        merger.Add(Partial(0, 0, reports)).Should().Be(PartialOutcome.Accepted);
        merger.Add(Partial(0, 0, reports)).Should().Be(PartialOutcome.Duplicate);
        merger.Add(Ended(0, 1)).Should().HaveCount(3 + (5 * 2) + 6).And.OnlyContain(w => w.Snapshot.Total == 3, "one pane: 1, 6 and 12 hours ending at hour 1, then 6 and 12 hours, then 12");
        merger.Summary.Should().BeEquivalentTo(new { Accepted = 1L, Duplicates = 1L, Conflicting = 0L, Windows = 19L, Complete = true });
        merger.Digest.Should().Be(GlobalWindowOracle.Digest(reports));
    }

    [Fact]
    public void Other_counts_for_the_same_pane_and_partition_conflict_and_the_first_is_kept()
    {
        using var merger = new GlobalWindowMerger(2);
        var first = At(0, 2);
        merger.Add(Partial(0, 0, first)).Should().Be(PartialOutcome.Accepted);
        merger.Add(Partial(0, 0, At(0, 3))).Should().Be(PartialOutcome.Conflicting);
        merger.Add(Partial(0, 0, first)).Should().Be(PartialOutcome.Duplicate, "the first partial is the one kept");
        merger.Add(Partial(1, 0, At(0, 1, first: 50))).Should().Be(PartialOutcome.Accepted, "another partition's partial for the pane is no conflict");
        merger.Add(Ended(0, 2));
        var windows = merger.Add(Ended(1, 2));
        windows.Should().HaveCount(19).And.OnlyContain(w => w.Snapshot.Total == 3);
        merger.Summary.Conflicting.Should().Be(1);
        merger.Digest.Should().Be(GlobalWindowOracle.Digest([.. first, .. At(0, 1, first: 50)]));
    }

    [Fact]
    public void Partials_and_progress_of_another_topic_are_foreign()
    {
        using var merger = new GlobalWindowMerger(2);
        merger.Add(Partial(2, 0, At(0, 1))).Should().Be(PartialOutcome.Foreign);
        merger.Add(Partial(-1, 0, At(0, 1))).Should().Be(PartialOutcome.Foreign);
        merger.Add(Partial(0, 0, At(0, 2))).Should().Be(PartialOutcome.Accepted);
        merger.Add(Ended(0, 3)).Should().BeEmpty();
        merger.Add(Ended(1, 3)).Should().BeEmpty();
        merger.Add(Ended(2, 2)).Should().BeEmpty();
        merger.Add(Ended(-1, 2)).Should().BeEmpty();
        merger.StateOf(0).Should().BeNull("progress for a topic of 3 partitions says nothing about this one");
        merger.IsComplete.Should().BeFalse();
        merger.Summary.Foreign.Should().Be(6);

        merger.Add(Ended(0, 2)).Should().BeEmpty("partition 1 has not published any progress");
        merger.Add(Ended(1, 2)).Should().HaveCount(19);
        merger.IsComplete.Should().BeTrue();
    }

    [Fact]
    public void A_partial_for_a_pane_whose_windows_were_emitted_is_late()
    {
        using var merger = new GlobalWindowMerger(2);
        merger.Add(Partial(0, 0, At(0, 1)));
        merger.Add(Progress(0, 2, 3));
        merger.Add(Progress(1, 2, 3)).Select(w => w.Snapshot.End).Distinct().Should().Equal(Hour(1), Hour(2), Hour(3));

        merger.Add(Partial(1, 2, At(2, 1))).Should().Be(PartialOutcome.Late, "the 1-hour window ending at hour 3 was emitted without it");
        merger.Add(Partial(1, 3, At(3, 1))).Should().Be(PartialOutcome.Accepted);
        merger.Summary.Late.Should().Be(1);

        merger.Add(Ended(0, 2));
        merger.Add(Ended(1, 2));
        merger.Digest.Should().Be(GlobalWindowOracle.Digest([.. At(0, 1), .. At(3, 1)]), "the late partial is in no window");
    }

    [Fact]
    public void Results_come_in_order_of_window_end_then_length_and_only_for_windows_with_reports()
    {
        using var merger = new GlobalWindowMerger(1);
        List<CrimeReport> reports = [.. At(0, 2), .. At(2, 1, first: 10), .. At(30, 3, first: 20)];
        foreach (var pane in reports.GroupBy(r => Panes.StartOf(r.ReportTime)))
        {
            merger.Add(new PanePartial(0, pane.Key, Partial(0, 0, pane).Counts));
        }

        var results = merger.Add(Ended(0, 1));
        results.Select(r => r.ToCanonicalString()).Should().Equal(GlobalWindowOracle.Windows(reports));
        results.Select(r => (r.Snapshot.End, r.Hours)).Should().BeInAscendingOrder();
        results.Should().OnlyContain(r => r.Snapshot.Total > 0 && r.Snapshot.End - r.Snapshot.Start == TimeSpan.FromHours(r.Hours));
        results.Should().NotContain(r => r.Snapshot.End > Hour(14) && r.Snapshot.End <= Hour(30), "no window ending then holds a report");
        results.Take(6).Select(r => (r.Snapshot.End, r.Hours)).Should().Equal((Hour(1), 1), (Hour(1), 6), (Hour(1), 12), (Hour(2), 6), (Hour(2), 12), (Hour(3), 1));
        results[^1].Snapshot.End.Should().Be(Hour(30 + 12), "the tail runs to 12 hours after the last data");
        results[^1].Hours.Should().Be(12);
    }

    [Fact]
    public void Windows_wait_for_every_active_partition_and_the_tail_for_every_partition_to_end()
    {
        using var merger = new GlobalWindowMerger(2);
        merger.Add(Partial(0, 0, At(0, 1)));
        merger.Add(Partial(0, 4, At(4, 1)));
        merger.Add(Progress(0, 2, 5)).Should().BeEmpty("partition 1 has published nothing");
        merger.Add(Progress(1, 2, 2)).Select(w => w.Snapshot.End).Distinct().Should().Equal(Hour(1), Hour(2));
        merger.Add(Progress(1, 2, 4)).Select(w => w.Snapshot.End).Distinct().Should().Equal(Hour(3), Hour(4));
        merger.Add(Ended(1, 2)).Select(w => w.Snapshot.End).Distinct().Should().Equal(Hour(5));
        merger.IsComplete.Should().BeFalse();
        var tail = merger.Add(Ended(0, 2));
        tail.Select(w => w.Snapshot.End).Distinct().Should().Equal(Enumerable.Range(6, 11).Select(Hour), "up to hour 4 + 12");
        merger.IsComplete.Should().BeTrue();
        merger.Summary.Complete.Should().BeTrue();
        merger.Add(Progress(0, 2, 20)).Should().BeEmpty("an ended partition stays ended");
        merger.StateOf(0).Should().Be(PartitionState.Ended);
    }

    [Fact]
    public void An_idle_partition_does_not_hold_the_watermark_back_until_it_is_active_again()
    {
        using var merger = new GlobalWindowMerger(2);
        merger.Add(Partial(0, 0, At(0, 1)));
        merger.Add(Partial(0, 6, At(6, 1)));
        merger.Add(Progress(0, 2, 5)).Should().BeEmpty();
        merger.Add(new PartitionProgress(1, 2, DateTimeOffset.MinValue, PartitionState.Idle)).Select(w => w.Snapshot.End).Distinct()
            .Should().Equal(Enumerable.Range(1, 5).Select(Hour), "the idle partition is passed over");

        merger.Add(Progress(1, 2, 3)).Should().BeEmpty("active again, it holds the watermark at its own");
        merger.StateOf(1).Should().Be(PartitionState.Active);
        merger.Add(Partial(1, 4, At(4, 1, first: 9))).Should().Be(PartialOutcome.Late, "its windows went out while the partition was idle");
        merger.Add(Progress(0, 2, 9)).Should().BeEmpty();
        merger.Add(Partial(1, 7, At(7, 1, first: 10))).Should().Be(PartialOutcome.Accepted);
        merger.Add(Progress(1, 2, 8)).Select(w => w.Snapshot.End).Distinct().Should().Equal(Hour(6), Hour(7), Hour(8));

        merger.Add(new PartitionProgress(0, 2, Hour(9), PartitionState.Idle));
        merger.Add(new PartitionProgress(1, 2, Hour(8), PartitionState.Idle)).Should().BeEmpty("with every partition idle event time stands still");
        merger.Add(Ended(0, 2));
        merger.Add(Ended(1, 2));
        merger.Digest.Should().Be(GlobalWindowOracle.Digest([.. At(0, 1), .. At(6, 1), .. At(7, 1, first: 10)]));
    }

    [Fact]
    public void An_empty_partition_that_ends_lets_the_windows_close()
    {
        var reports = ScaleOutData.Synthetic(200, 30, seed: 41);
        foreach (var endOf in new Action<PartitionPaneAggregator, List<PanePartial>>[]
        {
            (a, closed) => a.EndShard(ReplayShard.Whole, 0, closed).Should().BeTrue(),
            (a, closed) => a.End(closed),
            (a, closed) =>
            {
                a.EndShard(new ReplayShard(2, 2), 0, closed).Should().BeFalse();
                a.EndShard(new ReplayShard(1, 2), 1, closed).Should().BeTrue();
            },
        })
        {
            using var run = new MergeRun(2);
            var reader = new PartitionReader(0, 2, Feeds.Whole(reports), TimeSpan.Zero);
            var empty = new PartitionPaneAggregator(1, TimeSpan.Zero, ScaleOutData.Near);
            var closed = new List<PanePartial>();
            endOf(empty, closed);
            closed.Should().BeEmpty();
            empty.IsEnded.Should().BeTrue();
            empty.ClosedThrough.Should().Be(DateTimeOffset.MaxValue);
            run.Publish(closed, new PartitionProgress(1, 2, empty.ClosedThrough!.Value, PartitionState.Ended) { Checkpoint = empty.Checkpoint() });
            while (!reader.Done)
            {
                run.Publish(reader.Step(), reader.Progress());
                if (!reader.Done)
                {
                    run.Emitted.Should().HaveCountLessThan(GlobalWindowOracle.Windows(reports).Count);
                }
            }

            run.Emitted.Should().Equal(GlobalWindowOracle.Windows(reports));
            run.Merger.IsComplete.Should().BeTrue();
        }
    }

    [Fact]
    public void A_partition_that_never_publishes_progress_holds_every_window_back()
    {
        var reports = ScaleOutData.Synthetic(200, 30, seed: 42);
        using var run = new MergeRun(3);
        var reader = new PartitionReader(0, 3, Feeds.Whole(reports), TimeSpan.Zero);
        while (!reader.Done)
        {
            run.Publish(reader.Step(), reader.Progress());
        }

        run.Add(Ended(2, 3));
        run.Emitted.Should().BeEmpty();
        run.Merger.IsComplete.Should().BeFalse();
        run.Merger.StateOf(1).Should().BeNull();
        run.Merger.Summary.Windows.Should().Be(0);
        run.Merger.Summary.Reports.Should().Be(reports.Count);
        run.Merger.Digest.Should().Be(GlobalWindowOracle.Digest([]));

        run.Add(Ended(1, 3));
        run.Emitted.Should().Equal(GlobalWindowOracle.Windows(reports));
    }

    [Fact]
    public void The_digest_is_stable_and_does_not_depend_on_the_order_partials_come_in()
    {
        var reports = ScaleOutData.Synthetic(300, 24, seed: 43);
        var partials = Feeds.ByOfficer(reports, 3)
            .SelectMany((list, p) => list.GroupBy(r => Panes.StartOf(r.ReportTime)).Select(g => new PanePartial(p, g.Key, Partial(p, 0, g).Counts)))
            .ToList();
        var digests = new List<string>();
        foreach (var seed in new[] { 1, 2, 3 })
        {
            using var merger = new GlobalWindowMerger(3);
            var emptyDigest = merger.Digest;
            var random = new Random(seed);
            foreach (var partial in partials.OrderBy(_ => random.Next()).ToList())
            {
                merger.Add(partial).Should().Be(PartialOutcome.Accepted);
            }

            merger.Digest.Should().Be(emptyDigest, "nothing was emitted yet");
            for (var p = 0; p < 3; p++)
            {
                merger.Add(Ended(p, 3));
            }

            merger.Digest.Should().Be(merger.Digest);
            merger.Summary.Digest.Should().Be(merger.Digest);
            digests.Add(merger.Digest);
        }

        digests.Should().AllBe(GlobalWindowOracle.Digest(reports));
    }

    [Fact]
    public void The_latest_checkpoint_is_the_one_furthest_in_the_partition()
    {
        using var merger = new GlobalWindowMerger(2);
        PartitionCheckpoint Checkpoint(long next, long counted) => new(next, Hour(1), [Hour(2)], [false], counted, 0);
        merger.Add(Progress(0, 2, 1) with { Checkpoint = Checkpoint(10, 7) });
        merger.Add(Progress(0, 2, 1) with { Checkpoint = Checkpoint(5, 3) });
        merger.LatestCheckpoint(0)!.NextOffset.Should().Be(10);
        merger.Add(Progress(1, 2, 1) with { Checkpoint = Checkpoint(4, 2) });
        merger.Summary.Reports.Should().Be(9);
        merger.LatestCheckpoint(1)!.Counted.Should().Be(2);
        merger.LatestCheckpoint(2).Should().BeNull();
        merger.LatestCheckpoint(-1).Should().BeNull();
        merger.StateOf(2).Should().BeNull();
    }

    [Fact]
    public void Invalid_arguments_are_rejected()
    {
        FluentActions.Invoking(() => new GlobalWindowMerger(0)).Should().Throw<ArgumentOutOfRangeException>();
        FluentActions.Invoking(() => new GlobalWindowMerger(1, top: 0)).Should().Throw<ArgumentOutOfRangeException>();
        FluentActions.Invoking(() => new GlobalWindowMerger(1, [])).Should().Throw<ArgumentOutOfRangeException>();
        FluentActions.Invoking(() => new GlobalWindowMerger(1, [0, 6])).Should().Throw<ArgumentOutOfRangeException>();
        FluentActions.Invoking(() => new GlobalWindowMerger(1, [24 * 367])).Should().Throw<ArgumentOutOfRangeException>();
        using var merger = new GlobalWindowMerger(1);
        merger.Invoking(m => m.Add((PanePartial)null!)).Should().Throw<ArgumentNullException>();
        merger.Invoking(m => m.Add((PartitionProgress)null!)).Should().Throw<ArgumentNullException>();
    }

    [Fact]
    public void Other_window_lengths_are_merged_as_asked()
    {
        using var merger = new GlobalWindowMerger(1, [2, 2]);
        merger.Add(Partial(0, 0, At(0, 1)));
        merger.Add(Partial(0, 1, At(1, 2)));
        merger.Add(Ended(0, 1)).Select(w => (w.Hours, w.Snapshot.End, w.Snapshot.Total)).Should().Equal((2, Hour(1), 1L), (2, Hour(2), 3L), (2, Hour(3), 2L));
    }

    [Fact]
    public void Windows_of_several_lengths_and_slides_each_equal_a_recount_of_their_reports()
    {
        // Windows ending together are summed in one pass (shortest first): lengths equal and unequal, slides that divide
        // each other and slides that do not, on 30-minute panes, against a count of the reports in each window.
        var pane = TimeSpan.FromMinutes(30);
        WindowDefinition[] windows =
        [
            new(TimeSpan.FromMinutes(30), TimeSpan.FromMinutes(30)),
            new(TimeSpan.FromHours(3), TimeSpan.FromHours(1)),
            new(TimeSpan.FromHours(3), TimeSpan.FromHours(3)),
            new(TimeSpan.FromHours(2), TimeSpan.FromHours(2)),
            new(TimeSpan.FromHours(6), TimeSpan.FromMinutes(90)),
        ];
        var analysis = WindowedAnalysis.Create("count", WindowAggregate.Count<CrimeReport>(), windows);
        var reports = ScaleOutData.Synthetic(600, 30, seed: 7).Where(r => r.ReportTime.Minute % 7 != 3).ToList(); // with some empty panes
        using var merger = new GlobalWindowMerger(2, [analysis], pane);
        foreach (var group in reports.GroupBy(r => (Partition: r.OfficerId % 2, Pane: Panes.StartOf(r.ReportTime, pane))))
        {
            merger.Add(new PanePartial(group.Key.Partition, group.Key.Pane, "count", group.Count(), (long)group.Count()))
                .Should().Be(PartialOutcome.Accepted);
        }

        merger.Add(Ended(0, 2)).Should().BeEmpty("partition 1 has not ended");
        var results = merger.Add(Ended(1, 2)).Select(w => (w.Window, w.Start, w.End, w.Reports, (long)w.Value)).ToList();

        var expected = new List<(WindowDefinition, DateTimeOffset, DateTimeOffset, long, long)>();
        var first = Panes.StartOf(reports[0].ReportTime, pane);
        for (var end = first + pane; end <= reports[^1].ReportTime + TimeSpan.FromHours(6) + pane; end += pane)
        {
            foreach (var window in windows.OrderBy(w => w.Length).ThenBy(w => w.Slide))
            {
                if ((end - DateTimeOffset.UnixEpoch).Ticks % window.Slide.Ticks != 0)
                {
                    continue;
                }

                var start = end - window.Length;
                long count = reports.Count(r => r.ReportTime >= start && r.ReportTime < end);
                if (count > 0)
                {
                    expected.Add((window, start, end, count, count));
                }
            }
        }

        results.Should().Equal(expected);
    }
}
