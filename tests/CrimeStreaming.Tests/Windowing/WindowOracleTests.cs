using System.Reactive.Subjects;
using CrimeStreaming.Windowing;
using CsCheck;

namespace CrimeStreaming.Tests.Windowing;

/// <summary>Every window result equals a brute-force recomputation from the raw events (virtual time, seeded).</summary>
public class WindowOracleTests
{
    internal static readonly DateTimeOffset Start = new(2020, 1, 1, 0, 0, 0, TimeSpan.Zero);

    internal sealed record Event(long OffsetMinutes, string Key, int Value)
    {
        public DateTimeOffset Time => Start.AddMinutes(OffsetMinutes);
    }

    internal sealed record Case(int Interval, int Length, int Slide, Event[] Events);

    // Times land on batch boundaries often (multiples of the interval), and batches are often empty.
    internal static readonly Gen<Case> Cases =
        from interval in Gen.Int[1, 3]
        from length in Gen.Int[1, 8]
        from slide in Gen.Int[1, 8]
        from events in Gen.Select(Gen.OneOf(Gen.Int[0, 40].Select(b => (long)b * interval), Gen.Long[0, 40L * interval]), Gen.Char['a', 'e'], Gen.Int[1, 9])
            .Select((t, k, v) => new Event(t, k.ToString(), v)).Array[0, 60]
        select new Case(interval, length * interval, slide * interval, events.OrderBy(e => e.OffsetMinutes).ToArray());

    /// <summary>Replays events on a virtual clock the way the streamer does: advance to the time, then emit.</summary>
    internal static List<TResult> Run<TResult>(Case c, Func<DStream<Event>, IObservable<TResult>> query)
    {
        var clock = new VirtualClock(Start);
        var subject = new Subject<Event>();
        var results = new List<TResult>();
        using var subscription = query(subject.ToDStream(TimeSpan.FromMinutes(c.Interval), clock.Scheduler)).Subscribe(results.Add);
        foreach (var e in c.Events)
        {
            clock.AdvanceTo(e.Time);
            subject.OnNext(e);
        }

        clock.AdvanceTo(Start.AddMinutes(45L * c.Interval));
        subject.OnCompleted();
        return results;
    }

    /// <summary>The events of the window ending at <paramref name="end"/>: batch membership by floor((t − start) / interval).</summary>
    internal static IEnumerable<Event> InWindow(Case c, DateTimeOffset end, int lengthMinutes)
    {
        var endBatch = (long)(end - Start).TotalMinutes / c.Interval; // exclusive
        var firstBatch = endBatch - (lengthMinutes / c.Interval);
        return c.Events.Where(e => e.OffsetMinutes / c.Interval >= firstBatch && e.OffsetMinutes / c.Interval < endBatch);
    }

    private static List<KeyCount<string>> Counts(IEnumerable<Event> events) =>
        events.GroupBy(e => e.Key).Select(g => new KeyCount<string>(g.Key, g.Count())).ToList();

    private static List<KeyValuePair<string, int>> Sums(IEnumerable<Event> events) =>
        events.GroupBy(e => e.Key).Select(g => KeyValuePair.Create(g.Key, g.Sum(e => e.Value))).ToList();

    internal static void CheckEnds<T>(Case c, List<Batch<T>> results, int lengthMinutes)
    {
        // One result per slide from the first slide after the origin, with [end - length, end) as the window.
        results.Should().NotBeEmpty();
        for (var i = 0; i < results.Count; i++)
        {
            results[i].End.Should().Be(Start.AddMinutes((long)(i + 1) * c.Slide));
            results[i].Start.Should().Be(results[i].End.AddMinutes(-lengthMinutes));
        }
    }

    [Fact]
    public void CountByValueAndWindow_equals_recount()
    {
        Cases.Sample(c =>
        {
            var results = Run(c, s => s.CountByValueAndWindow(e => e.Key, TimeSpan.FromMinutes(c.Length), TimeSpan.FromMinutes(c.Slide)));
            CheckEnds(c, results, c.Length);
            foreach (var w in results)
            {
                w.Items.Should().BeEquivalentTo(Counts(InWindow(c, w.End, c.Length)), "window ending {0}", w.End);
            }
        }, iter: 300, seed: "0ZHJ7cy1Xp41");
    }

    [Fact]
    public void CountByWindow_and_Window_equal_recount()
    {
        Cases.Sample(c =>
        {
            var counts = Run(c, s => s.CountByWindow(TimeSpan.FromMinutes(c.Length), TimeSpan.FromMinutes(c.Slide)));
            var windows = Run(c, s => s.Window(TimeSpan.FromMinutes(c.Length), TimeSpan.FromMinutes(c.Slide)));
            CheckEnds(c, counts, c.Length);
            windows.Select(w => w.End).Should().Equal(counts.Select(w => w.End));
            for (var i = 0; i < counts.Count; i++)
            {
                var expected = InWindow(c, counts[i].End, c.Length).ToList();
                counts[i].Items.Should().Equal([expected.Count], "one count per window, 0 for an empty one");
                windows[i].Items.Should().Equal(expected, "the window holds its events in arrival order");
            }
        }, iter: 300, seed: "0DdeJB8rH9N2");
    }

    [Fact]
    public void ReduceByKeyAndWindow_with_and_without_inverse_equals_resum()
    {
        Cases.Sample(c =>
        {
            var incremental = Run(c, s => s.ReduceByKeyAndWindow(e => e.Key, e => e.Value, (a, b) => a + b, (a, b) => a - b, TimeSpan.FromMinutes(c.Length), TimeSpan.FromMinutes(c.Slide)));
            var recomputed = Run(c, s => s.ReduceByKeyAndWindow(e => e.Key, e => e.Value, (a, b) => a + b, null, TimeSpan.FromMinutes(c.Length), TimeSpan.FromMinutes(c.Slide)));
            var filtered = Run(c, s => s.ReduceByKeyAndWindow(e => e.Key, e => e.Value, (a, b) => a + b, (a, b) => a - b, TimeSpan.FromMinutes(c.Length), TimeSpan.FromMinutes(c.Slide)).Filter(p => p.Value > 5));
            CheckEnds(c, incremental, c.Length);
            recomputed.Should().HaveSameCount(incremental);
            filtered.Should().HaveSameCount(incremental);
            for (var i = 0; i < incremental.Count; i++)
            {
                var expected = Sums(InWindow(c, incremental[i].End, c.Length));
                incremental[i].Items.Should().BeEquivalentTo(expected);
                recomputed[i].Items.Should().BeEquivalentTo(expected);
                filtered[i].Items.Should().BeEquivalentTo(expected.Where(p => p.Value > 5));
                filtered[i].Start.Should().Be(incremental[i].Start, "a filter keeps the window's bounds");
            }
        }, iter: 300, seed: "0Rxv3lWm4Jf3");
    }

    [Fact]
    public void ReduceByWindow_equals_refold_and_is_empty_when_the_window_is()
    {
        Cases.Sample(c =>
        {
            var sums = Run(c, s => s.Map(e => e.Value).ReduceByWindow((a, b) => a + b, (a, b) => a - b, TimeSpan.FromMinutes(c.Length), TimeSpan.FromMinutes(c.Slide)));
            var maxima = Run(c, s => s.Map(e => e.Value).ReduceByWindow(Math.Max, null, TimeSpan.FromMinutes(c.Length), TimeSpan.FromMinutes(c.Slide)));
            CheckEnds(c, sums, c.Length);
            maxima.Should().HaveSameCount(sums);
            for (var i = 0; i < sums.Count; i++)
            {
                var values = InWindow(c, sums[i].End, c.Length).Select(e => e.Value).ToList();
                sums[i].Items.Should().Equal(values.Count == 0 ? [] : [values.Sum()], "one value per window, none for an empty one");
                maxima[i].Items.Should().Equal(values.Count == 0 ? [] : [values.Max()]);
            }
        }, iter: 300, seed: "0Lr4qgm1b1k0");
    }

    [Fact]
    public void Per_batch_counts_topk_running_totals_and_state_equal_recount()
    {
        Cases.Sample(c =>
        {
            var batches = Run(c, s => s.Count());
            var byValue = Run(c, s => s.CountByValue(e => e.Key).TopK(2));
            var running = Run(c, s => s.RunningCount(e => e.Key));
            var state = Run(c, s => s.UpdateStateByKey<Event, string, int>(e => e.Key, (_, values, current) =>
            {
                var sum = current.GetValueOrDefault(0) + values.Sum(v => v.Value);
                return sum > 20 ? Option<int>.None : Option<int>.Some(sum); // returning no state removes the key
            }));

            var expectedState = new Dictionary<string, int>();
            for (var i = 0; i < batches.Count; i++)
            {
                var end = Start.AddMinutes((long)(i + 1) * c.Interval);
                batches[i].End.Should().Be(end);
                var inBatch = InWindow(c, end, c.Interval).ToList();
                batches[i].Items.Should().Equal([inBatch.Count], "one count per batch, 0 for an empty one");

                var top = inBatch.GroupBy(e => e.Key).Select(g => new KeyCount<string>(g.Key, g.Count()))
                    .OrderByDescending(k => k.Count).ThenBy(k => k.Key, StringComparer.Ordinal).Take(2).ToList();
                byValue[i].Items.Should().Equal(top);
                byValue[i].End.Should().Be(end);

                running[i].Items.Should().BeEquivalentTo(Counts(c.Events.Where(e => e.Time < end)));
                running[i].End.Should().Be(end);
                running[i].Start.Should().Be(Start);

                foreach (var key in expectedState.Keys.Union(inBatch.Select(e => e.Key)).ToList())
                {
                    var sum = expectedState.GetValueOrDefault(key) + inBatch.Where(e => e.Key == key).Sum(e => e.Value);
                    if (sum > 20)
                    {
                        expectedState.Remove(key);
                    }
                    else
                    {
                        expectedState[key] = sum;
                    }
                }

                state[i].Items.Should().Equal(expectedState.OrderBy(p => p.Key, StringComparer.Ordinal), "pairs in key order");
                state[i].Start.Should().Be(Start);
            }
        }, iter: 200, seed: "0b5Qm3C2kEw1");
    }

    [Theory]
    [InlineData(90, 60, "windowLength")]
    [InlineData(60, 45, "slideInterval")]
    public void Window_durations_must_be_multiples_of_the_batch_interval(int length, int slide, string parameter)
    {
        var stream = new Subject<int>().ToDStream(TimeSpan.FromMinutes(60), new VirtualClock(Start).Scheduler);
        FluentActions.Invoking(() => stream.CountByWindow(TimeSpan.FromMinutes(length), TimeSpan.FromMinutes(slide)))
            .Should().Throw<ArgumentException>().Where(e => e.ParamName == parameter && e.Message.Contains("multiple of the batch interval"));
    }

    [Fact]
    public void Zero_or_negative_durations_are_rejected()
    {
        var scheduler = new VirtualClock(Start).Scheduler;
        var stream = new Subject<int>().ToDStream(TimeSpan.FromMinutes(60), scheduler);
        FluentActions.Invoking(() => new Subject<int>().ToDStream(TimeSpan.Zero, scheduler)).Should().Throw<ArgumentOutOfRangeException>();
        FluentActions.Invoking(() => stream.Window(TimeSpan.FromHours(1), TimeSpan.Zero)).Should().Throw<ArgumentOutOfRangeException>().Where(e => e.ParamName == "slideInterval");
        FluentActions.Invoking(() => stream.CountByWindow(TimeSpan.FromHours(-1), TimeSpan.FromHours(1))).Should().Throw<ArgumentOutOfRangeException>();
        FluentActions.Invoking(() => stream.CountByValue(x => x).TopK(0)).Should().Throw<ArgumentOutOfRangeException>();
    }

    [Fact]
    public void Print_writes_spark_style_batches()
    {
        var c = new Case(60, 60, 60, [new Event(5, "a", 1), new Event(10, "b", 2), new Event(130, "c", 3)]);
        var output = new StringWriter();
        Run(c, s => s.Map(e => e.Key).Print(output, 1));
        var text = output.ToString();
        text.Should().Contain("Time: 2020-01-01 01:00:00 +00:00\n-------------------------------------------\na\n...\n".Replace("\n", Environment.NewLine));
        text.Should().Contain("Time: 2020-01-01 03:00:00 +00:00\n-------------------------------------------\nc\n".Replace("\n", Environment.NewLine));
    }
}
