using CrimeStreaming.ScaleOut;

namespace CrimeStreaming.Tests.ScaleOut;

/// <summary>
/// An instance that owns a partition crashes: what it closed since its last published checkpoint is lost (or published
/// without the checkpoint); a new owner restores the last checkpoint the merger holds and re-reads from the committed
/// offset. The merged windows still equal the brute-force recount, and no report is counted twice.
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

    /// <summary>When the owner of partition 0 crashes: before reading offset <paramref name="At"/>, with its unpublished partials lost or published without their progress.</summary>
    private sealed record Crash(int At, bool PartialsPublished);

    private sealed record Outcome(MergeRun Run, long Replayed, List<PanePartial> Published);

    /// <summary>
    /// Reads every partition round-robin; partition 0's owner publishes its partials and progress (with the checkpoint)
    /// every <paramref name="flushEvery"/> messages, commits <see cref="PartitionPaneAggregator.CommitOffset"/> at every
    /// <paramref name="commitEvery"/>-th publication, and crashes as told.
    /// </summary>
    private static Outcome Run(DataSet data, int flushEvery, int commitEvery, params Crash[] crashes)
    {
        var run = new MergeRun(Partitions);
        var messages = data.Arrival.Select(Feeds.Whole).ToList();
        var others = Enumerable.Range(1, Partitions - 1).Select(p => new PartitionReader(p, Partitions, messages[p], data.Disorder)).ToList();
        var owner = new PartitionReader(0, Partitions, messages[0], data.Disorder);
        var pending = new List<PanePartial>();
        var published = new List<PanePartial>();
        var crashQueue = new Queue<Crash>(crashes.OrderBy(c => c.At));
        long committed = 0;
        long replayed = 0;
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

            if (crashQueue.TryPeek(out var crash) && owner.Next >= crash.At)
            {
                crashQueue.Dequeue();
                if (crash.PartialsPublished)
                {
                    foreach (var partial in pending)
                    {
                        run.Outcomes.Add(run.Merger.Add(partial));
                        published.Add(partial);
                    }
                }

                pending.Clear();
                replayed += owner.Aggregator.Replayed;
                owner = new PartitionReader(0, Partitions, messages[0], data.Disorder);
                if (run.Merger.LatestCheckpoint(0) is { } checkpoint)
                {
                    owner.Aggregator.Restore(checkpoint);
                }

                owner.Next = checked((int)committed);
                sinceFlush = 0;
                continue;
            }

            pending.AddRange(owner.Step());
            if (++sinceFlush >= flushEvery || owner.Done)
            {
                published.AddRange(pending);
                run.Publish(pending, owner.Progress());
                pending.Clear();
                sinceFlush = 0;
                if (++flushes % commitEvery == 0 && owner.Aggregator.CommitOffset is { } offset && offset > committed)
                {
                    committed = offset;
                }
            }
        }

        return new Outcome(run, replayed + owner.Aggregator.Replayed, published);
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
    public void A_new_owner_restoring_the_last_checkpoint_gives_the_results_of_an_uncrashed_run(string dataSet, bool partialsPublished)
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
        long replayed = 0;
        foreach (var (flushEvery, commitEvery) in new[] { (1, 1), (4, 1), (9, 1), (4, 3) })
        {
            for (var at = 1; at < length; at += Math.Max(1, length / 13))
            {
                var because = $"crash before offset {at}, publishing every {flushEvery}, committing every {commitEvery}";
                var outcome = Run(data, flushEvery, commitEvery, new Crash(at, partialsPublished));
                ShouldEqualTheUncrashedRun(outcome, data, because);
                if (!partialsPublished)
                {
                    outcome.Run.Merger.Summary.Duplicates.Should().Be(0, "what was lost was never published ({0})", because);
                }

                duplicates += outcome.Run.Merger.Summary.Duplicates;
                replayed += outcome.Replayed;
            }
        }

        if (partialsPublished)
        {
            duplicates.Should().BePositive("partials published before the crash are recomputed identically");
        }

        if (dataSet != "real")
        {
            replayed.Should().BePositive("reports of closed panes after the commit point were read again and skipped");
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
    public void Restoring_the_checkpoint_skips_what_was_published_and_recounts_the_open_panes()
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
        first.CommitOffset.Should().Be(6, "the open pane (hour 2) starts at offset 6");
        var checkpoint = first.Checkpoint();
        checkpoint.NextOffset.Should().Be(7);
        checkpoint.Counted.Should().Be(6, "the open pane's report is counted again by whoever restores");

        var second = new PartitionPaneAggregator(0, TimeSpan.Zero, ScaleOutData.Near);
        second.Restore(checkpoint);
        var recomputed = new List<PanePartial>();
        for (var i = 3; i < 8; i++)
        {
            second.Add(reports[i], i, recomputed).Should().Be(i >= 6, "offset {0}", i);
        }

        second.Replayed.Should().Be(3);
        second.LateCount.Should().Be(0);
        second.End(recomputed);
        recomputed.Should().ContainSingle().Which.PaneStart.Should().Be(hour.AddHours(2));
        recomputed[0].Counts.Total.Should().Be(2);
        second.Counted.Should().Be(8);
        second.Checkpoint().Counted.Should().Be(8);
    }
}
