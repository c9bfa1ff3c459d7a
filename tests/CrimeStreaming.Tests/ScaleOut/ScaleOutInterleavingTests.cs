using CrimeStreaming.ScaleOut;

namespace CrimeStreaming.Tests.ScaleOut;

/// <summary>
/// Partitions aggregated separately and merged in any interleaving (one far behind, round-robin, random) give the global
/// windows of a brute-force recount of every report; sharded partitions give the single-process partials.
/// </summary>
public class ScaleOutInterleavingTests
{
    private static readonly Lazy<IReadOnlyList<string>> RealWindows = new(() => GlobalWindowOracle.Windows(ScaleOutData.Real));

    public static TheoryData<string> Schedules() => ["round-robin", "partition 0 last", "partition 3 last", "random 1", "random 2", "random 3"];

    private static Feeds.Scheduler Schedule(string name) => name switch
    {
        "round-robin" => Feeds.RoundRobin(),
        "partition 0 last" => Feeds.Last(0),
        "partition 3 last" => Feeds.Last(3),
        _ => Feeds.Random(int.Parse(name["random ".Length..], System.Globalization.CultureInfo.InvariantCulture)),
    };

    [Theory]
    [MemberData(nameof(Schedules))]
    public void Four_partitions_of_the_real_sample_merge_into_the_brute_force_windows_in_any_interleaving(string schedule)
    {
        var reports = ScaleOutData.Real;
        var partitions = Feeds.ByOfficer(reports, 4).Select(Feeds.Whole).ToList();
        partitions.Should().OnlyContain(p => p.Count > 400, "every officer reports a quarter of the sample");
        var emittedBeforeAnyEnd = -1;
        using var run = Feeds.Play(partitions, Schedule(schedule), TimeSpan.Zero, (reader, r) =>
        {
            if (reader.Aggregator.IsEnded && emittedBeforeAnyEnd < 0)
            {
                emittedBeforeAnyEnd = r.Emitted.Count;
            }
        });

        run.Emitted.Should().Equal(RealWindows.Value);
        run.Merger.Digest.Should().Be(GlobalWindowOracle.Digest(reports));
        run.Outcomes.Should().OnlyContain(o => o == PartialOutcome.Accepted);
        var summary = run.Merger.Summary;
        summary.Late.Should().Be(0);
        summary.LateReports.Should().Be(0);
        summary.Reports.Should().Be(reports.Count);
        summary.Windows.Should().Be(RealWindows.Value.Count);
        summary.Complete.Should().BeTrue();
        if (schedule == "round-robin")
        {
            emittedBeforeAnyEnd.Should().BeGreaterThan(RealWindows.Value.Count / 2, "windows are emitted as the partitions advance together, not at the end");
        }
    }

    [Fact]
    public void A_partition_far_behind_holds_every_window_back_until_it_catches_up()
    {
        var reports = ScaleOutData.Real;
        var partitions = Feeds.ByOfficer(reports, 4).Select(Feeds.Whole).ToList();
        var emittedWhileBehind = 0;
        var emittedWhileCatchingUp = new List<int>();
        using var run = Feeds.Play(partitions, Feeds.Last(0), TimeSpan.Zero, (reader, r) =>
        {
            if (reader.Partition != 0)
            {
                emittedWhileBehind = r.Emitted.Count;
            }
            else if (!reader.Aggregator.IsEnded)
            {
                emittedWhileCatchingUp.Add(r.Emitted.Count);
            }
        });

        emittedWhileBehind.Should().Be(0, "partition 0 has not published any progress yet");
        emittedWhileCatchingUp.Should().Contain(n => n > 0 && n < RealWindows.Value.Count / 2, "windows follow partition 0's watermark");
        run.Emitted.Should().Equal(RealWindows.Value);
    }

    /// <summary>Each partition's reports in time order, then delayed by a seeded jitter below <paramref name="jitter"/>: the order they arrive in.</summary>
    private static List<List<CrimeReport>> Jittered(IReadOnlyList<CrimeReport> reports, int partitions, TimeSpan jitter, int seed) =>
        Feeds.ByOfficer(reports, partitions)
            .Select((list, p) =>
            {
                var random = new Random(seed + p);
                return list.Select(r => (r, At: r.ReportTime + (jitter * random.NextDouble()))).OrderBy(x => x.At).Select(x => x.r).ToList();
            })
            .ToList();

    /// <summary>
    /// Which reports of a partition arriving in this order are late, by the rule: a report is late when its pane ends at or
    /// before the hour on or before (the greatest report time read before it − the disorder).
    /// </summary>
    private static HashSet<CrimeReport> ExpectedLate(IEnumerable<CrimeReport> arrival, TimeSpan disorder)
    {
        var late = new HashSet<CrimeReport>(ReferenceEqualityComparer.Instance);
        DateTimeOffset? max = null;
        foreach (var r in arrival)
        {
            if (max is { } m && Panes.StartOf(r.ReportTime) + Panes.Length <= Panes.StartOf(m - disorder))
            {
                late.Add(r);
            }

            max = max is null || r.ReportTime > max ? r.ReportTime : max;
        }

        return late;
    }

    [Fact]
    public void Reports_out_of_order_by_less_than_the_allowed_disorder_are_all_counted_exactly()
    {
        var reports = ScaleOutData.Synthetic(800, 48, seed: 5);
        var disorder = TimeSpan.FromHours(2);
        var arrival = Jittered(reports, 4, disorder - TimeSpan.FromMinutes(1), seed: 9);
        arrival.Sum(a => ExpectedLate(a, TimeSpan.Zero).Count).Should().BeGreaterThan(50, "without the allowance many of these reports would be late");
        var expected = GlobalWindowOracle.Windows(reports);

        foreach (var schedule in new[] { Feeds.RoundRobin(), Feeds.Last(0), Feeds.Last(2), Feeds.Random(4), Feeds.Random(5) })
        {
            using var run = Feeds.Play(arrival.Select(Feeds.Whole).ToList(), schedule, disorder);
            run.Emitted.Should().Equal(expected);
            run.Merger.Summary.LateReports.Should().Be(0);
            run.Merger.Summary.Late.Should().Be(0);
            run.Merger.Summary.Reports.Should().Be(reports.Count);
        }

        using var strict = Feeds.Play(arrival.Select(Feeds.Whole).ToList(), Feeds.RoundRobin(), TimeSpan.Zero);
        strict.Merger.Summary.LateReports.Should().BePositive("the same arrival order without an allowed disorder has late reports");
    }

    [Fact]
    public void Reports_out_of_order_by_more_than_the_allowed_disorder_are_late_the_same_way_in_every_interleaving()
    {
        var reports = ScaleOutData.Synthetic(800, 48, seed: 6);
        var disorder = TimeSpan.FromHours(1);
        var arrival = Jittered(reports, 4, TimeSpan.FromHours(4), seed: 10);
        var late = arrival.SelectMany(a => ExpectedLate(a, disorder)).ToHashSet(ReferenceEqualityComparer.Instance);
        late.Should().HaveCountGreaterThan(20);
        late.Count.Should().BeLessThan(reports.Count / 2);
        var expected = GlobalWindowOracle.Windows(reports.Where(r => !late.Contains(r)));
        expected.Should().NotEqual(GlobalWindowOracle.Windows(reports));

        var digests = new HashSet<string>();
        foreach (var schedule in new[] { Feeds.RoundRobin(), Feeds.Last(0), Feeds.Last(3), Feeds.Random(7), Feeds.Random(8) })
        {
            var readers = arrival.Select((a, p) => new PartitionReader(p, 4, Feeds.Whole(a), disorder)).ToList();
            using var run = new MergeRun(4);
            Feeds.Play(run, readers, schedule);
            run.Emitted.Should().Equal(expected);
            run.Merger.Summary.LateReports.Should().Be(late.Count);
            run.Merger.Summary.Reports.Should().Be(reports.Count - late.Count);
            run.Merger.Summary.Late.Should().Be(0, "no partial is late at the merger: lateness is decided per partition");
            readers.Sum(r => r.Aggregator.LateCount).Should().Be(late.Count);
            digests.Add(run.Merger.Digest);
        }

        digests.Should().ContainSingle();
    }

    public static TheoryData<int, int> ShardCountsAndSeeds() => new() { { 2, 1 }, { 2, 2 }, { 3, 3 }, { 3, 4 }, { 4, 5 } };

    private static List<PanePartial> Partials(IReadOnlyList<Message> messages, Action<PartitionReader>? afterStep = null)
    {
        var reader = new PartitionReader(0, 1, messages, TimeSpan.Zero);
        var partials = new List<PanePartial>();
        while (!reader.Done)
        {
            partials.AddRange(reader.Step());
            afterStep?.Invoke(reader);
        }

        reader.Aggregator.LateCount.Should().Be(0);
        return partials;
    }

    [Theory]
    [MemberData(nameof(ShardCountsAndSeeds))]
    public void A_partition_replayed_by_shards_interleaved_arbitrarily_gives_the_single_process_partials(int k, int seed)
    {
        var reports = ScaleOutData.Real;
        var whole = Partials(Feeds.Whole(reports));
        var messages = Feeds.Sharded(reports, k, seed);

        var endsRead = 0;
        var sharded = Partials(messages, reader =>
        {
            if (reader.Messages[reader.Next - 1] is EndMessage)
            {
                endsRead++;
            }

            reader.Aggregator.IsEnded.Should().Be(endsRead == k, "the partition ends with the last shard's end marker");
        });

        sharded.Should().Equal(whole);
        sharded.Sum(p => p.Counts.Total).Should().Be(reports.Count);

        // The shards really are far apart: read as one stream, the same messages would make reports late.
        var asOne = new PartitionReader(0, 1, messages.Select(m => m is ReportMessage r ? r with { Shard = ReplayShard.Whole } : m).Where(m => m is not EndMessage).ToList(), TimeSpan.Zero);
        while (!asOne.Done)
        {
            asOne.Step();
        }

        asOne.Aggregator.LateCount.Should().BePositive();
    }

    [Fact]
    public void Sharded_partitions_merge_into_the_brute_force_windows()
    {
        var reports = ScaleOutData.Real;
        var partitions = Feeds.ByOfficer(reports, 2).Select((list, p) => Feeds.Sharded(list, 2 + p, seed: 20 + p)).ToList<IReadOnlyList<Message>>();
        using var run = Feeds.Play(partitions, Feeds.Random(21), TimeSpan.Zero);
        run.Emitted.Should().Equal(RealWindows.Value);
        run.Merger.Summary.LateReports.Should().Be(0);
        run.Merger.IsComplete.Should().BeTrue();
    }
}
