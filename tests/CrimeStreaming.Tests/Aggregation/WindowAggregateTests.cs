using System.Buffers;
using System.Reactive.Concurrency;
using System.Reactive.Linq;
using System.Reactive.Subjects;
using System.Text.Json;
using CrimeStreaming.Aggregation;
using CrimeStreaming.Tests.ScaleOut;
using CrimeStreaming.Windowing;

namespace CrimeStreaming.Tests.Aggregation;

/// <summary>The aggregate abstraction's building blocks: counting, per key, the crime snapshot, and their serialization.</summary>
public class WindowAggregateTests
{
    private static readonly DateTimeOffset Start = ScaleOutData.Start;

    private static string Written(Action<Utf8JsonWriter> write)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            write(writer);
        }

        return System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    [Fact]
    public void By_key_counts_per_key_leaves_out_null_keys_and_lists_keys_in_order()
    {
        var aggregate = WindowAggregate.ByKey((CrimeReport r) => r.Record.CrimeDescription, WindowAggregate.Count<CrimeReport>());
        var reports = Enumerable.Range(0, 21).Select(n => ScaleOutData.Report(Start.AddMinutes(n), n)).ToList();
        var accumulator = reports.Aggregate(aggregate.CreateAccumulator(), aggregate.Add);

        var result = aggregate.GetResult(accumulator);

        result.Select(p => p.Key).Should().BeInAscendingOrder(StringComparer.Ordinal);
        result.Sum(p => p.Value).Should().Be(reports.Count(r => r.Record.CrimeDescription is not null), "reports without a description have a null key");
        result.Should().BeEquivalentTo(reports.Where(r => r.Record.CrimeDescription is not null).GroupBy(r => r.Record.CrimeDescription!).Select(g => new KeyValuePair<string, long>(g.Key, g.Count())));
        aggregate.Format(result).Should().StartWith("\"BATTERY - SIMPLE ASSAULT\"=");
    }

    [Fact]
    public void Merging_by_key_adds_counts_and_never_changes_the_other_accumulator()
    {
        var aggregate = WindowAggregate.ByKey((CrimeReport r) => r.Record.AreaName, WindowAggregate.Count<CrimeReport>());
        var reports = Enumerable.Range(0, 30).Select(n => ScaleOutData.Report(Start.AddMinutes(n), n)).ToList();
        var first = reports.Take(12).Aggregate(aggregate.CreateAccumulator(), aggregate.Add);
        var second = reports.Skip(12).Aggregate(aggregate.CreateAccumulator(), aggregate.Add);
        var secondBefore = second.ToDictionary();
        var whole = reports.Aggregate(aggregate.CreateAccumulator(), aggregate.Add);

        var merged = aggregate.Merge(first, second);

        aggregate.GetResult(merged).Should().Equal(aggregate.GetResult(whole));
        second.Should().Equal(secondBefore);
    }

    [Fact]
    public void Keyed_accumulators_write_their_keys_in_order_and_read_back_equal()
    {
        var aggregate = WindowAggregate.ByKey((CrimeReport r) => r.Record.AreaName, WindowAggregate.Count<CrimeReport>());
        var accumulator = new Dictionary<string, long> { ["Harbor"] = 2, ["Central"] = 5 };

        var json = Written(w => aggregate.Write(w, accumulator));
        var back = aggregate.Read(JsonDocument.Parse(json).RootElement);

        json.Should().Be("[[\"Central\",5],[\"Harbor\",2]]");
        back.Should().Equal(accumulator);
        FluentActions.Invoking(() => aggregate.Read(JsonDocument.Parse("[[\"Central\",5],[\"Central\",1]]").RootElement)).Should().Throw<FormatException>().WithMessage("the key Central is repeated");
        FluentActions.Invoking(() => aggregate.Read(JsonDocument.Parse("[[\"Central\"]]").RootElement)).Should().Throw<FormatException>();
    }

    [Fact]
    public void The_crime_snapshot_aggregate_reads_back_its_counts_and_formats_the_digest_line()
    {
        var aggregate = new CrimeSnapshotAggregate(top: 2);
        var reports = Enumerable.Range(0, 40).Select(n => ScaleOutData.Report(Start.AddMinutes(n), n)).ToList();
        var accumulator = reports.Aggregate(aggregate.CreateAccumulator(), aggregate.Add);

        var back = aggregate.Read(JsonDocument.Parse(Written(w => aggregate.Write(w, accumulator))).RootElement);
        var result = aggregate.GetResult(back);

        back.Should().Be(accumulator);
        result.Total.Should().Be(40);
        result.Near.Should().Be(10, "every fourth synthetic report is at USC");
        result.TopCrimeTypes.Should().HaveCount(2);
        aggregate.Format(result).Should().Be($"total=40 near=10 types={result.TopCrimeTypes[0].Key}={result.TopCrimeTypes[0].Count};{result.TopCrimeTypes[1].Key}={result.TopCrimeTypes[1].Count} areas={result.TopAreas[0].Key}={result.TopAreas[0].Count};{result.TopAreas[1].Key}={result.TopAreas[1].Count}");
        FluentActions.Invoking(() => new CrimeSnapshotAggregate(top: 0)).Should().Throw<ArgumentOutOfRangeException>();
    }

    [Fact]
    public void An_aggregate_from_functions_runs_over_a_dstream_window_as_a_recount_of_its_batches()
    {
        var scheduler = new HistoricalScheduler(Start);
        var maxAge = WindowAggregate.Create<CrimeReport, long, long>(() => 0, (max, r) => Math.Max(max, r.Record.VictimAge ?? 0), Math.Max, max => max);
        var reports = Enumerable.Range(0, 12)
            .Select(n => ScaleOutData.Report(Start.AddMinutes(n * 10), n))
            .Select((r, n) => r with { Record = r.Record with { VictimAge = 20 + ((n * 37) % 50) } })
            .ToList();
        using var source = new Subject<CrimeReport>();
        foreach (var report in reports)
        {
            scheduler.ScheduleAbsolute(report.ReportTime, () => source.OnNext(report));
        }

        var windows = new List<Windowed<long>>();
        using (source.ToDStream(TimeSpan.FromMinutes(30), scheduler).AggregateOverWindow(maxAge, TimeSpan.FromHours(1), TimeSpan.FromMinutes(30)).Subscribe(windows.Add))
        {
            scheduler.AdvanceTo(Start.AddHours(2));
        }

        windows.Should().HaveCount(4);
        foreach (var w in windows)
        {
            var inWindow = reports.Where(r => r.ReportTime >= w.Start && r.ReportTime < w.End).Select(r => (long)r.Record.VictimAge!.Value).DefaultIfEmpty(0);
            w.Value.Should().Be(inWindow.Max(), $"the window {w.Start:t}..{w.End:t}");
        }
    }

    [Fact]
    public void Serialized_by_default_equal_accumulators_filled_in_any_order_write_equal_bytes_so_a_repeat_is_a_duplicate()
    {
        var perArea = WindowAggregate.Create<CrimeReport, Dictionary<string, long>, int>(
            () => [],
            (counts, r) =>
            {
                counts[r.Record.AreaName] = counts.GetValueOrDefault(r.Record.AreaName) + 1;
                return counts;
            },
            (a, b) =>
            {
                foreach (var (k, v) in b)
                {
                    a[k] = a.GetValueOrDefault(k) + v;
                }

                return a;
            },
            counts => counts.Count);
        var one = new Dictionary<string, long> { ["Harbor"] = 1, ["Central"] = 2 };
        var other = new Dictionary<string, long> { ["Central"] = 2, ["Harbor"] = 1 };

        Written(w => perArea.Write(w, one)).Should().Be("{\"Central\":2,\"Harbor\":1}").And.Be(Written(w => perArea.Write(w, other)));

        var analysis = CrimeStreaming.ScaleOut.WindowedAnalysis.Create("per-area", perArea, CrimeStreaming.ScaleOut.WindowDefinition.Hours(1));
        using var merger = new CrimeStreaming.ScaleOut.GlobalWindowMerger(1, [analysis], TimeSpan.FromHours(1));
        merger.Add(new CrimeStreaming.ScaleOut.PanePartial(0, Start, "per-area", 3, one)).Should().Be(CrimeStreaming.ScaleOut.PartialOutcome.Accepted);
        merger.Add(new CrimeStreaming.ScaleOut.PanePartial(0, Start, "per-area", 3, other)).Should().Be(CrimeStreaming.ScaleOut.PartialOutcome.Duplicate);
        merger.Add(new CrimeStreaming.ScaleOut.PanePartial(0, Start, "per-area", 3, new Dictionary<string, long> { ["Central"] = 3 })).Should().Be(CrimeStreaming.ScaleOut.PartialOutcome.Conflicting);
        merger.Add(new CrimeStreaming.ScaleOut.PanePartial(0, Start, "other", 3, one)).Should().Be(CrimeStreaming.ScaleOut.PartialOutcome.Foreign, "an analysis the merger does not run");
    }
}
