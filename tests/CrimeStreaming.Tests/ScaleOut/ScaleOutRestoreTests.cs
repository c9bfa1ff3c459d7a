using CrimeStreaming.ScaleOut;

namespace CrimeStreaming.Tests.ScaleOut;

/// <summary>
/// An instance that owns a partition crashes at any point of its publish / write-state cycle: a new owner restores the
/// last state written, publishes again the partials that state had not seen confirmed, and reads on from the offset
/// the state covers. The merged windows still equal the brute-force recount, and no report is counted twice.
/// </summary>
public class ScaleOutRestoreTests
{
    private const int Partitions = 4;

    private sealed record DataSet(List<List<CrimeReport>> Arrival, TimeSpan Disorder, IReadOnlyList<string> Expected, long Counted, long Late);

    private static readonly Dictionary<string, Lazy<DataSet>> DataSets = new()
    {
        ["real"] = new(() => Make(ScaleOutData.Real, TimeSpan.Zero, TimeSpan.Zero, 0)),
        ["jittered"] = new(() => Make(ScaleOutData.Synthetic(600, 40, seed: 31), TimeSpan.FromHours(2), TimeSpan.FromMinutes(110), 32)),
        ["late"] = new(() => Make(ScaleOutData.Synthetic(600, 40, seed: 33), TimeSpan.FromHours(1), TimeSpan.FromHours(4), 34)),
    };

    private static DataSet Make(IReadOnlyList<CrimeReport> reports, TimeSpan disorder, TimeSpan jitter, int seed)
    {
        var arrival = Feeds.ByOfficer(reports, Partitions)
            .Select((list, p) =>
            {
                var random = new Random(seed + p);
                return list.Select(r => (r, At: r.ReportTime + (jitter * random.NextDouble()))).OrderBy(x => x.At).Select(x => x.r).ToList();
            })
            .ToList();

        // The reference: the same partitions read without any crash.
        using var reference = Feeds.Play(arrival.Select(Feeds.Whole).ToList(), Feeds.RoundRobin(), disorder);
        var late = reference.Merger.Summary.LateReports;
        return new DataSet(arrival, disorder, reference.Emitted, reports.Count - late, late);
    }

    /// <summary>
    /// When the owner of partition 0 crashes: at the first flush once it has read offset <paramref name="At"/>, after that
    /// flush's results reached the results topic but before its state was written (<paramref name="PartialsPublished"/>),
    /// or after its state was written but with its results lost.
    /// </summary>
    private sealed record Crash(int At, bool PartialsPublished);

    private sealed record Outcome(MergeRun Run, List<PanePartial> Published, int Restored);

    /// <summary>What the state topic holds for partition 0: the whole state and the partials not yet confirmed.</summary>
    private sealed record State(PartitionSnapshot Snapshot, List<PanePartial> Unpublished);

    /// <summary>
    /// Reads every partition round-robin; partition 0's owner publishes its partials and progress every
    /// <paramref name="flushEvery"/> messages, writes its state (with that flush's partials, not yet confirmed) at every
    /// <paramref name="stateEvery"/>-th flush, and crashes as told; its successor restores the last state, publishes
    /// its unconfirmed partials again and reads on from the offset the state covers.
    /// </summary>
    private static Outcome Run(DataSet data, int flushEvery, int stateEvery, params Crash[] crashes)
    {
        var run = new MergeRun(Partitions);
        var messages = data.Arrival.Select(Feeds.Whole).ToList();
        var others = Enumerable.Range(1, Partitions - 1).Select(p => new PartitionReader(p, Partitions, messages[p], data.Disorder)).ToList();
        var owner = new PartitionReader(0, Partitions, messages[0], data.Disorder);
        var pending = new List<PanePartial>();
        var published = new List<PanePartial>();
        var crashQueue = new Queue<Crash>(crashes.OrderBy(c => c.At));
        State? state = null;
        var restored = 0;
        var sinceFlush = 0;
        var flushes = 0;
        while (!owner.Done || others.Any(o => !o.Done))
        {
            foreach (var other in others.Where(o => !o.Done))
            {
                run.Publish(other.Step(), other.Progress());
            }

            if (owner.Done)
            {
                continue;
            }

            pending.AddRange(owner.Step());
            if (++sinceFlush < flushEvery && !owner.Done)
            {
                continue;
            }

            sinceFlush = 0;
            if (crashQueue.TryPeek(out var crash) && owner.Next >= crash.At)
            {
                crashQueue.Dequeue();
                if (crash.PartialsPublished)
                {
                    published.AddRange(pending);
                    foreach (var partial in pending)
                    {
                        run.Outcomes.Add(run.Merger.Add(partial));
                    }
                }
                else
                {
                    state = new State(owner.Aggregator.Snapshot(), [.. pending]);
                }

                pending.Clear();
                owner = new PartitionReader(0, Partitions, messages[0], data.Disorder);
                if (state is not null)
                {
                    owner.Aggregator.Restore(state.Snapshot);
                    owner.Next = checked((int)Math.Max(0, state.Snapshot.NextOffset));
                    pending.AddRange(state.Unpublished);
                    restored++;
                }

                continue;
            }

            published.AddRange(pending);
            run.Publish(pending, owner.Progress());
            if (++flushes % stateEvery == 0)
            {
                state = new State(owner.Aggregator.Snapshot(), [.. pending]);
            }

            pending.Clear();
        }

        if (pending.Count > 0)
        {
            published.AddRange(pending);
            run.Publish(pending, owner.Progress());
        }

        return new Outcome(run, published, restored);
    }

    private static void ShouldEqualTheUncrashedRun(Outcome outcome, DataSet data, string because)
    {
        var summary = outcome.Run.Merger.Summary;
        outcome.Run.Emitted.Should().Equal(data.Expected, because);
        summary.Reports.Should().Be(data.Counted, "nothing is counted twice ({0})", because);
        summary.LateReports.Should().Be(data.Late, because);
        summary.Conflicting.Should().Be(0, because);
        summary.Late.Should().Be(0, because);
        summary.Complete.Should().BeTrue(because);
    }

    public static TheoryData<string, bool> DataAndPublication()
    {
        var data = new TheoryData<string, bool>();
        foreach (var name in new[] { "real", "jittered", "late" })
        {
            data.Add(name, false);
            data.Add(name, true);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(DataAndPublication))]
    public void A_new_owner_restoring_the_last_state_gives_the_results_of_an_uncrashed_run(string dataSet, bool partialsPublished)
    {
        var data = DataSets[dataSet].Value;
        data.Expected.Should().NotBeEmpty();
        if (dataSet == "real")
        {
            data.Expected.Should().Equal(GlobalWindowOracle.Windows(ScaleOutData.Real));
        }

        if (dataSet == "late")
        {
            data.Late.Should().BePositive();
        }

        var length = data.Arrival[0].Count + 1;
        long duplicates = 0;
        var restored = 0;
        foreach (var (flushEvery, stateEvery) in new[] { (1, 1), (4, 1), (9, 1), (4, 3) })
        {
            // Offsets at every phase of the cycles (between flushes, between writing results and state): a step prime to them.
            for (var at = 1; at < length; at += Math.Max(1, (length / 60) | 1))
            {
                var because = $"crash at offset {at}, publishing every {flushEvery}, state every {stateEvery}";
                var outcome = Run(data, flushEvery, stateEvery, new Crash(at, partialsPublished));
                ShouldEqualTheUncrashedRun(outcome, data, because);
                duplicates += outcome.Run.Merger.Summary.Duplicates;
                restored += outcome.Restored;
            }
        }

        restored.Should().BePositive("successors restored written states");
        if (partialsPublished)
        {
            duplicates.Should().BePositive("partials published before the crash are recomputed identically");
        }
        else
        {
            duplicates.Should().Be(0, "the lost results come back from the state, once");
        }
    }

    [Theory]
    [InlineData("real")]
    [InlineData("jittered")]
    [InlineData("late")]
    public void Owners_crashing_one_after_the_other_leave_the_results_unchanged(string dataSet)
    {
        var data = DataSets[dataSet].Value;
        var length = data.Arrival[0].Count;
        var outcome = Run(data, 5, 2, new Crash(length / 5, true), new Crash(length / 5 + 3, false), new Crash(length / 2, false), new Crash(length - 2, true));
        ShouldEqualTheUncrashedRun(outcome, data, "four crashes");
    }

    [Fact]
    public void Partials_published_again_after_a_take_over_are_duplicates()
    {
        var data = DataSets["jittered"].Value;
        var outcome = Run(data, 3, 1, new Crash(data.Arrival[0].Count / 2, false));
        ShouldEqualTheUncrashedRun(outcome, data, "one crash");
        outcome.Published.Should().NotBeEmpty();
        var digest = outcome.Run.Merger.Digest;
        var summary = outcome.Run.Merger.Summary;

        foreach (var partial in outcome.Published)
        {
            outcome.Run.Merger.Add(partial).Should().Be(PartialOutcome.Duplicate);
        }

        outcome.Run.Merger.Summary.Duplicates.Should().Be(summary.Duplicates + outcome.Published.Count);
        outcome.Run.Merger.Summary.Reports.Should().Be(summary.Reports);
        outcome.Run.Merger.Digest.Should().Be(digest);
    }

    [Fact]
    public void A_restored_snapshot_continues_exactly_where_its_aggregator_stood()
    {
        var hour = ScaleOutData.Start;
        var reports = Enumerable.Range(0, 8).Select(i => ScaleOutData.Report(hour.AddMinutes(20 * i), i)).ToList(); // hours 0, 0, 0, 1, 1, 1, 2, 2
        var first = new PartitionPaneAggregator(0, TimeSpan.Zero, ScaleOutData.Near);
        var closed = new List<PanePartial>();
        for (var i = 0; i < 7; i++)
        {
            first.Add(reports[i], i, closed);
        }

        closed.Select(c => c.PaneStart).Should().Equal(hour, hour.AddHours(1));
        var snapshot = first.Snapshot();
        snapshot.NextOffset.Should().Be(7);
        snapshot.Counted.Should().Be(7);
        snapshot.OpenPanes.Should().ContainSingle().Which.Counts.Total.Should().Be(1, "the open pane (hour 2) holds offset 6");
        first.Checkpoint().Counted.Should().Be(6, "the progress counts what was published");

        var second = new PartitionPaneAggregator(0, TimeSpan.Zero, ScaleOutData.Near);
        second.Restore(snapshot);
        second.Snapshot().Should().BeEquivalentTo(snapshot);
        var recomputed = new List<PanePartial>();
        second.Add(reports[7], 7, recomputed).Should().BeTrue();
        first.Add(reports[7], 7, closed).Should().BeTrue();
        second.End(recomputed);
        first.End(closed);
        recomputed.Should().ContainSingle().Which.Should().BeEquivalentTo(closed[^1]);
        recomputed[0].Counts.Total.Should().Be(2);
        second.Counted.Should().Be(8);
        second.Checkpoint().Should().BeEquivalentTo(first.Checkpoint());

        // The snapshot is a copy: what the first aggregator did afterwards did not change it.
        snapshot.OpenPanes[0].Counts.Total.Should().Be(1);
    }

    [Fact]
    public void A_snapshot_of_another_partition_or_with_closed_open_panes_is_refused()
    {
        var aggregator = new PartitionPaneAggregator(0, TimeSpan.Zero, ScaleOutData.Near);
        var closed = new List<PanePartial>();
        aggregator.Add(ScaleOutData.Report(ScaleOutData.Start, 0), 0, closed);
        var snapshot = aggregator.Snapshot();

        var other = new PartitionPaneAggregator(1, TimeSpan.Zero, ScaleOutData.Near);
        other.Invoking(a => a.Restore(snapshot)).Should().Throw<ArgumentException>().WithMessage("*partition 0, not 1*");

        var closedPane = snapshot with { ClosedThrough = ScaleOutData.Start.AddHours(1) };
        new PartitionPaneAggregator(0, TimeSpan.Zero, ScaleOutData.Near).Invoking(a => a.Restore(closedPane)).Should().Throw<ArgumentException>().WithMessage("*is closed*");

        var overcounted = snapshot with { Counted = 0 };
        new PartitionPaneAggregator(0, TimeSpan.Zero, ScaleOutData.Near).Invoking(a => a.Restore(overcounted)).Should().Throw<ArgumentException>().WithMessage("*open panes hold 1*");

        aggregator.Invoking(a => a.Restore(snapshot)).Should().Throw<InvalidOperationException>("it has read already");
    }
}
