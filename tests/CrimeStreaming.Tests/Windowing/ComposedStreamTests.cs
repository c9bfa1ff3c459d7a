using System.Reactive.Subjects;
using CrimeStreaming.Windowing;
using CsCheck;
using static CrimeStreaming.Tests.Windowing.WindowOracleTests;

namespace CrimeStreaming.Tests.Windowing;

/// <summary>
/// Windowed results are DStreams, as in Spark: chains such as <c>ReduceByKeyAndWindow(…).Filter(…).Count()</c> equal a
/// brute-force recount, keep the window's bounds on their batches, and give 0 or nothing for empty batches.
/// </summary>
public class ComposedStreamTests
{
    private static readonly TimeSpan Hour = TimeSpan.FromHours(1);

    private static DStream<long> KeysAbove(DStream<Event> s, Case c, int threshold, bool inverse) =>
        s.ReduceByKeyAndWindow(e => e.Key, e => e.Value, (a, b) => a + b, inverse ? (a, b) => a - b : null, TimeSpan.FromMinutes(c.Length), TimeSpan.FromMinutes(c.Slide))
            .Filter(p => p.Value > threshold)
            .Count();

    private static long RecountKeysAbove(Case c, DateTimeOffset end, int threshold) =>
        InWindow(c, end, c.Length).GroupBy(e => e.Key).Count(g => g.Sum(e => e.Value) > threshold);

    /// <summary>A random case from a plain seed: more events and keys than the property's cases, any window over 1 to 3 minute batches.</summary>
    private static Case RandomCase(int seed)
    {
        var random = new Random(seed);
        var interval = random.Next(1, 4);
        var length = interval * random.Next(1, 9);
        var slide = interval * random.Next(1, 9);
        var events = Enumerable.Range(0, random.Next(200, 600))
            .Select(_ => new Event(random.Next(0, 40 * interval), ((char)('a' + random.Next(0, 8))).ToString(), random.Next(1, 10)))
            .OrderBy(e => e.OffsetMinutes)
            .ToArray();
        return new Case(interval, length, slide, events);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    [InlineData(6)]
    [InlineData(7)]
    [InlineData(8)]
    public void Reduce_by_key_and_window_then_filter_then_count_equals_recount_on_random_data(int seed)
    {
        var c = RandomCase(seed);
        foreach (var inverse in new[] { true, false })
        {
            var counts = Run(c, s => KeysAbove(s, c, 25, inverse));
            CheckEnds(c, counts, c.Length);
            foreach (var b in counts)
            {
                b.Items.Should().Equal([RecountKeysAbove(c, b.End, 25)], "one count per window ending {0} (inverse: {1})", b.End, inverse);
            }
        }
    }

    [Fact]
    public void Chains_of_operators_equal_recount_for_any_window()
    {
        Cases.Sample(c =>
        {
            var length = TimeSpan.FromMinutes(c.Length);
            var slide = TimeSpan.FromMinutes(c.Slide);
            var keysAbove = Run(c, s => KeysAbove(s, c, 5, inverse: true));
            var top = Run(c, s => s.CountByValueAndWindow(e => e.Key, length, slide).TopK(2));
            var bigOnes = Run(c, s => s.Filter(e => e.Value > 4).CountByWindow(length, slide));
            var windowedCounts = Run(c, s => s.CountByValue(e => e.Key).Window(length, slide)
                .Transform(pairs => pairs.GroupBy(p => p.Key).Select(g => new KeyCount<string>(g.Key, g.Sum(p => p.Count)))));
            var keysSoFar = Run(c, s => s.RunningCount(e => e.Key).Count());

            CheckEnds(c, keysAbove, c.Length);
            CheckEnds(c, top, c.Length);
            CheckEnds(c, bigOnes, c.Length);
            CheckEnds(c, windowedCounts, c.Length);
            for (var i = 0; i < keysAbove.Count; i++)
            {
                var end = keysAbove[i].End;
                var inWindow = InWindow(c, end, c.Length).ToList();
                keysAbove[i].Items.Should().Equal([RecountKeysAbove(c, end, 5)]);
                top[i].Items.Should().Equal(inWindow.GroupBy(e => e.Key).Select(g => new KeyCount<string>(g.Key, g.Count()))
                    .OrderByDescending(k => k.Count).ThenBy(k => k.Key, StringComparer.Ordinal).Take(2));
                bigOnes[i].Items.Should().Equal([inWindow.Count(e => e.Value > 4)]);
                windowedCounts[i].Items.Should().BeEquivalentTo(inWindow.GroupBy(e => e.Key).Select(g => new KeyCount<string>(g.Key, g.Count())));
            }

            keysSoFar.Should().NotBeEmpty();
            for (var i = 0; i < keysSoFar.Count; i++)
            {
                var end = Start.AddMinutes((long)(i + 1) * c.Interval);
                keysSoFar[i].Should().BeEquivalentTo(new Batch<long>(Start, end, [c.Events.Where(e => e.Time < end).Select(e => e.Key).Distinct().Count()]));
            }
        }, iter: 300, seed: "0Nq8rW2fT5c4");
    }

    [Fact]
    public void Window_bounds_are_the_bounds_of_the_result_batches_through_a_chain()
    {
        var clock = new VirtualClock(Start);
        var subject = new Subject<(string Key, int Value)>();
        var sums = subject.ToDStream(Hour, clock.Scheduler)
            .ReduceByKeyAndWindow(e => e.Key, e => e.Value, (a, b) => a + b, (a, b) => a - b, 3 * Hour, 2 * Hour)
            .Filter(p => p.Value >= 3);
        var counts = sums.Count();
        var filtered = new List<Batch<KeyValuePair<string, int>>>();
        var results = new List<Batch<long>>();
        using (sums.Subscribe(filtered.Add))
        using (counts.Subscribe(results.Add))
        {
            foreach (var (minutes, key, value) in new[] { (30, "a", 1), (90, "b", 2), (150, "a", 3), (270, "a", 4) })
            {
                clock.AdvanceTo(Start.AddMinutes(minutes));
                subject.OnNext((key, value));
            }

            clock.AdvanceTo(Start + (6 * Hour));
            subject.OnCompleted(); // the partial seventh batch, then the window it slides out of
        }

        counts.BatchInterval.Should().Be(2 * Hour, "a windowed stream's interval is its slide, through Filter and Count");
        counts.Scheduler.Should().BeSameAs(clock.Scheduler);
        results.Should().BeEquivalentTo(
            new[]
            {
                new Batch<long>(Start - Hour, Start + (2 * Hour), [0L]), // a = 1, b = 2: none reaches 3
                new Batch<long>(Start + Hour, Start + (4 * Hour), [1L]), // b = 2, a = 3
                new Batch<long>(Start + (3 * Hour), Start + (6 * Hour), [1L]), // a = 4
                new Batch<long>(Start + (5 * Hour), Start + (8 * Hour), [0L]), // after the last batch: empty
            },
            o => o.WithStrictOrdering());
        filtered.Select(b => b.Items).Should().BeEquivalentTo(
            new[] { [], [KeyValuePair.Create("a", 3)], [KeyValuePair.Create("a", 4)], Array.Empty<KeyValuePair<string, int>>() },
            o => o.WithStrictOrdering());
    }

    [Fact]
    public void Empty_batches_count_zero_and_give_empty_results()
    {
        var clock = new VirtualClock(Start);
        var subject = new Subject<string>();
        var stream = subject.ToDStream(Hour, clock.Scheduler);
        var counts = new List<Batch<long>>();
        var windowCounts = new List<Batch<long>>();
        var chained = new List<Batch<long>>();
        var empty = new List<Batch<object>>();
        using (stream.Count().Subscribe(counts.Add))
        using (stream.CountByWindow(3 * Hour, Hour).Subscribe(windowCounts.Add))
        using (stream.ReduceByKeyAndWindow(s => s, _ => 1, (a, b) => a + b, (a, b) => a - b, 3 * Hour, Hour).Filter(_ => true).Count().Subscribe(chained.Add))
        using (stream.CountByValue(s => s).TopK(3).Map(object (p) => p).Subscribe(empty.Add))
        using (stream.CountByValueAndWindow(s => s, 3 * Hour, Hour).Map(object (p) => p).Subscribe(empty.Add))
        using (stream.ReduceByWindow((a, b) => a + b, null, 3 * Hour, Hour).Map(object (p) => p).Subscribe(empty.Add))
        using (stream.RunningCount(s => s).Map(object (p) => p).Subscribe(empty.Add))
        using (stream.UpdateStateByKey<string, string, int>(s => s, (_, _, state) => state).Map(object (p) => p).Subscribe(empty.Add))
        {
            clock.AdvanceTo(Start + (6 * Hour));
            subject.OnCompleted();
        }

        counts.Should().HaveCount(7, "six hours and the partial batch at completion").And.OnlyContain(b => b.Items.SequenceEqual(new[] { 0L }));
        windowCounts.Should().HaveCount(9, "seven batches and the two windows they slide out of").And.OnlyContain(b => b.Items.SequenceEqual(new[] { 0L }));
        chained.Should().BeEquivalentTo(windowCounts, o => o.WithStrictOrdering());
        empty.Should().HaveCount(7 + 9 + 9 + 7 + 7).And.OnlyContain(b => b.Items.Count == 0);
    }
}
