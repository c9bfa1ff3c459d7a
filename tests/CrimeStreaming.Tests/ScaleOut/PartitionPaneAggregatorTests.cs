using CrimeStreaming.Aggregation;
using CrimeStreaming.ScaleOut;

namespace CrimeStreaming.Tests.ScaleOut;

public class PartitionPaneAggregatorTests
{
    private static readonly DateTimeOffset H0 = ScaleOutData.Start;

    private static CrimeReport At(double hours, int n = 0) => ScaleOutData.Report(H0.AddHours(hours), n);

    private static PartitionPaneAggregator New(double disorderHours = 0) => new(0, TimeSpan.FromHours(disorderHours), ScaleOutData.Near);

    [Fact]
    public void A_pane_closes_when_the_watermark_passes_its_end_and_a_report_for_it_after_that_is_late()
    {
        var aggregator = New(disorderHours: 1);
        var closed = new List<PanePartial>();
        aggregator.ClosedThrough.Should().BeNull();
        aggregator.NextOffset.Should().Be(-1);

        aggregator.Add(At(0.5), 0, closed).Should().BeTrue();
        aggregator.Add(At(1.9), 1, closed).Should().BeTrue();
        closed.Should().BeEmpty("the watermark is 0:54, inside the first pane");
        aggregator.Add(At(2.1, 1), 2, closed).Should().BeTrue();
        closed.Should().ContainSingle().Which.Should().Match<PanePartial>(p => p.PaneStart == H0 && p.Counts.Total == 1 && p.Partition == 0);
        aggregator.ClosedThrough.Should().Be(H0.AddHours(1));

        aggregator.Add(At(1.2, 2), 3, closed).Should().BeTrue("within the allowed disorder");
        aggregator.Add(At(0.99, 3), 4, closed).Should().BeFalse("its pane has closed");
        aggregator.LateCount.Should().Be(1);
        aggregator.Counted.Should().Be(4);
        aggregator.NextOffset.Should().Be(5);

        aggregator.Add(At(5.5, 4), 5, closed).Should().BeTrue();
        closed.Select(p => (p.PaneStart, p.Counts.Total)).Should().Equal((H0, 1L), (H0.AddHours(1), 2L), (H0.AddHours(2), 1L));
        aggregator.ClosedThrough.Should().Be(H0.AddHours(4), "the hour on or before 5:30 − 1 h; the empty pane 3 is not handed out");

        aggregator.End(closed);
        closed.Should().HaveCount(4);
        aggregator.IsEnded.Should().BeTrue();
        aggregator.ClosedThrough.Should().Be(DateTimeOffset.MaxValue);
        aggregator.Add(At(9), 6, closed).Should().BeFalse("after the end every report is late");
        aggregator.LateCount.Should().Be(2);
        aggregator.Checkpoint().Should().Match<PartitionCheckpoint>(c => c.Counted == 5 && c.Late == 2 && c.NextOffset == 7 && c.ClosedThrough == DateTimeOffset.MaxValue);
    }

    [Fact]
    public void Skipped_offsets_move_the_next_offset_and_close_nothing()
    {
        var aggregator = New();
        var closed = new List<PanePartial>();
        aggregator.Skip(0);
        aggregator.Skip(1);
        aggregator.NextOffset.Should().Be(2);
        aggregator.Add(At(0.5), 2, closed);
        aggregator.Skip(3);
        aggregator.NextOffset.Should().Be(4);
        aggregator.Snapshot().NextOffset.Should().Be(4, "a restore reads on after the skipped message");
        closed.Should().BeEmpty();
    }

    [Fact]
    public void CloseThrough_rounds_down_to_the_hour()
    {
        var aggregator = New(disorderHours: 100);
        var closed = new List<PanePartial>();
        aggregator.Add(At(0.5), 0, closed);
        aggregator.Add(At(1.5), 1, closed);
        aggregator.CloseThrough(H0.AddHours(1.99), closed);
        closed.Select(p => p.PaneStart).Should().Equal(H0);
        aggregator.ClosedThrough.Should().Be(H0.AddHours(1));
        aggregator.CloseThrough(H0, closed);
        aggregator.ClosedThrough.Should().Be(H0.AddHours(1), "closing never goes back");
    }

    [Fact]
    public void A_shard_not_seen_yet_holds_the_watermark_back_until_its_first_report_or_its_end()
    {
        var one = new ReplayShard(1, 2);
        var two = new ReplayShard(2, 2);
        var aggregator = New();
        var closed = new List<PanePartial>();
        for (var h = 0; h < 10; h++)
        {
            aggregator.Add(At(h + 0.5, h), h, one, closed).Should().BeTrue();
        }

        closed.Should().BeEmpty("shard 2 has not been seen");
        aggregator.ClosedThrough.Should().BeNull();

        aggregator.Add(At(4.5, 20), 10, two, closed).Should().BeTrue();
        aggregator.ClosedThrough.Should().Be(H0.AddHours(4), "the slowest shard is at 4:30");
        closed.Should().HaveCount(4);
        aggregator.Add(At(3.5, 21), 11, one, closed).Should().BeFalse("shard 1's report of a closed pane is late");

        aggregator.EndShard(two, 12, closed).Should().BeFalse();
        aggregator.IsEnded.Should().BeFalse();
        aggregator.ClosedThrough.Should().Be(H0.AddHours(9), "shard 1 alone holds the watermark now");
        aggregator.EndShard(two, 13, closed).Should().BeFalse("a repeated end marker changes nothing");
        aggregator.EndShard(one, 14, closed).Should().BeTrue();
        aggregator.IsEnded.Should().BeTrue();
        closed.Sum(p => p.Counts.Total).Should().Be(11);
        closed.Select(p => p.PaneStart).Should().BeInAscendingOrder().And.OnlyHaveUniqueItems();
    }

    [Fact]
    public void A_shard_that_ends_without_reports_releases_the_watermark()
    {
        var aggregator = New();
        var closed = new List<PanePartial>();
        aggregator.Add(At(0.5), 0, new ReplayShard(1, 3), closed);
        aggregator.Add(At(3.5), 1, new ReplayShard(3, 3), closed);
        aggregator.EndShard(new ReplayShard(2, 3), 2, closed).Should().BeFalse();
        aggregator.ClosedThrough.Should().Be(H0, "shard 1 is at 0:30");
        aggregator.Add(At(6.5), 3, new ReplayShard(1, 3), closed);
        aggregator.ClosedThrough.Should().Be(H0.AddHours(3));
        closed.Select(p => p.PaneStart).Should().Equal(H0);
    }

    [Fact]
    public void Restoring_a_sharded_snapshot_keeps_the_shards_and_their_watermarks()
    {
        var first = New();
        var closed = new List<PanePartial>();
        first.Add(At(0.5), 0, new ReplayShard(1, 2), closed);
        first.Add(At(5.5), 1, new ReplayShard(2, 2), closed);
        var snapshot = first.Snapshot();
        snapshot.ShardMaxSeen.Should().Equal(H0.AddHours(0.5), H0.AddHours(5.5));
        snapshot.ShardEnded.Should().Equal(false, false);
        snapshot.OpenPanes.Select(p => p.PaneStart).Should().Equal(H0, H0.AddHours(5));

        var second = New();
        second.Restore(snapshot);
        second.Invoking(a => a.Add(At(6), 2, ReplayShard.Whole, closed)).Should().Throw<InvalidOperationException>("every producer of one run uses the same shard count");
        second.EndShard(new ReplayShard(1, 2), 2, closed).Should().BeFalse();
        second.ClosedThrough.Should().Be(H0.AddHours(5));
        closed.Should().ContainSingle().Which.Should().Match<PanePartial>(p => p.PaneStart == H0 && p.Counts.Total == 1);
        second.Counted.Should().Be(2);
    }

    [Fact]
    public void Restoring_an_ended_partition_keeps_it_ended()
    {
        var first = New();
        var closed = new List<PanePartial>();
        first.Add(At(0.5), 0, closed);
        first.Add(At(1.5), 1, closed);
        first.EndShard(ReplayShard.Whole, 2, closed).Should().BeTrue();
        var snapshot = first.Snapshot();
        snapshot.IsEnded.Should().BeTrue();
        snapshot.OpenPanes.Should().BeEmpty();
        var second = New();
        second.Restore(snapshot);
        second.IsEnded.Should().BeTrue();
        second.NextOffset.Should().Be(3);
        var again = new List<PanePartial>();
        second.EndShard(ReplayShard.Whole, 3, again).Should().BeFalse();
        again.Should().BeEmpty();
        second.LateCount.Should().Be(0);
        second.Counted.Should().Be(2);
        second.Checkpoint().Should().BeEquivalentTo(first.Checkpoint() with { NextOffset = 4 });
    }

    [Fact]
    public void Invalid_arguments_are_rejected()
    {
        var closed = new List<PanePartial>();
        FluentActions.Invoking(() => new PartitionPaneAggregator(-1, TimeSpan.Zero, ScaleOutData.Near)).Should().Throw<ArgumentOutOfRangeException>();
        FluentActions.Invoking(() => new PartitionPaneAggregator(0, TimeSpan.FromTicks(-1), ScaleOutData.Near)).Should().Throw<ArgumentOutOfRangeException>();
        FluentActions.Invoking(() => new PartitionPaneAggregator(0, TimeSpan.Zero, null!)).Should().Throw<ArgumentNullException>();

        var aggregator = New();
        foreach (var shard in new[] { new ReplayShard(0, 2), new ReplayShard(3, 2), new ReplayShard(1, 0), new ReplayShard(-1, -1), default })
        {
            aggregator.Invoking(a => a.Add(At(0), 0, shard, closed)).Should().Throw<ArgumentOutOfRangeException>("{0}", shard);
            aggregator.Invoking(a => a.EndShard(shard, 0, closed)).Should().Throw<ArgumentOutOfRangeException>("{0}", shard);
        }

        aggregator.NextOffset.Should().Be(-1, "rejected messages are not read");
        aggregator.Invoking(a => a.Skip(-1)).Should().Throw<ArgumentOutOfRangeException>();
        aggregator.Invoking(a => a.Add(At(0), -1, closed)).Should().Throw<ArgumentOutOfRangeException>();
        aggregator.Invoking(a => a.Add(null!, 0, closed)).Should().Throw<ArgumentNullException>();
        aggregator.Invoking(a => a.Add(At(0), 0, null!)).Should().Throw<ArgumentNullException>();
        aggregator.Invoking(a => a.Restore(null!)).Should().Throw<ArgumentNullException>();

        var valid = new PartitionSnapshot(0, 3, null, [null], [false], 0, 0, []);
        New().Invoking(a => a.Restore(valid with { ShardMaxSeen = [null, null] })).Should().Throw<ArgumentException>();
        New().Invoking(a => a.Restore(valid with { ShardEnded = [false, true] })).Should().Throw<ArgumentException>();
        New().Invoking(a => a.Restore(valid with { ShardMaxSeen = [], ShardEnded = [] })).Should().Throw<ArgumentException>();

        var read = New();
        read.Add(At(0), 0, closed);
        read.Invoking(a => a.Restore(valid)).Should().Throw<InvalidOperationException>();
        var skipped = New();
        skipped.Skip(0);
        skipped.Invoking(a => a.Restore(valid)).Should().Throw<InvalidOperationException>();
        New().Invoking(a => a.Restore(valid)).Should().NotThrow();

        var sharded = New();
        sharded.Add(At(0), 0, new ReplayShard(1, 2), closed);
        sharded.Invoking(a => a.Add(At(0), 1, new ReplayShard(1, 3), closed)).Should().Throw<InvalidOperationException>();
    }

    [Fact]
    public void CrimeCounts_are_rebuilt_from_consistent_parts_only()
    {
        var counts = new CrimeCounts();
        counts.Add(TestData.Record("1", "BURGLARY", H0.UtcDateTime, "Central"), near: true);
        counts.Add(TestData.Record("2", null, H0.UtcDateTime, "Harbor"), near: false);
        counts.Add(TestData.Record("3", "BURGLARY", H0.UtcDateTime, "Harbor"), near: false);

        var rebuilt = CrimeCounts.FromParts(3, 1, counts.Types, counts.Areas);
        rebuilt.Should().Be(counts);
        rebuilt.Equals(CrimeCounts.FromParts(3, 0, counts.Types, counts.Areas)).Should().BeFalse();

        KeyValuePair<string, long> P(string key, long count) => new(key, count);
        var areas = new[] { P("Central", 1) };
        FluentActions.Invoking(() => CrimeCounts.FromParts(-1, 0, [], [])).Should().Throw<ArgumentException>();
        FluentActions.Invoking(() => CrimeCounts.FromParts(1, -1, [P("A", 1)], areas)).Should().Throw<ArgumentException>();
        FluentActions.Invoking(() => CrimeCounts.FromParts(1, 2, [P("A", 1)], areas)).Should().Throw<ArgumentException>();
        FluentActions.Invoking(() => CrimeCounts.FromParts(1, 0, [P("A", 2)], areas)).Should().Throw<ArgumentException>().Which.ParamName.Should().Be("types");
        FluentActions.Invoking(() => CrimeCounts.FromParts(2, 0, [P("A", 2)], areas)).Should().Throw<ArgumentException>().Which.ParamName.Should().Be("areas");
        FluentActions.Invoking(() => CrimeCounts.FromParts(2, 0, [P("A", 1), P("A", 1)], [P("Central", 2)])).Should().Throw<ArgumentException>();
        FluentActions.Invoking(() => CrimeCounts.FromParts(1, 0, [P("A", 1), P("B", 0)], areas)).Should().Throw<ArgumentException>();
        FluentActions.Invoking(() => CrimeCounts.FromParts(1, 0, [P(null!, 1)], areas)).Should().Throw<ArgumentException>();
        FluentActions.Invoking(() => CrimeCounts.FromParts(1, 0, null!, areas)).Should().Throw<ArgumentNullException>();
        FluentActions.Invoking(() => CrimeCounts.FromParts(1, 0, [P("A", 1)], null!)).Should().Throw<ArgumentNullException>();
        CrimeCounts.FromParts(0, 0, [], []).Should().Be(new CrimeCounts());
    }
}
