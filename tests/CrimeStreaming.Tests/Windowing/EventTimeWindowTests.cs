using System.Reactive;
using System.Reactive.Linq;
using System.Reactive.Subjects;
using CrimeStreaming.Windowing;
using CsCheck;

namespace CrimeStreaming.Tests.Windowing;

public class EventTimeWindowTests
{
    private static readonly DateTimeOffset Origin = DateTimeOffset.UnixEpoch;

    private sealed record Event(int Id, long Minute, string Key)
    {
        public DateTimeOffset Time => Origin.AddMinutes(Minute);
    }

    /// <summary>
    /// The definition, computed the slow way: event i joins each window containing it whose end is after the watermark
    /// before it arrived; windows with any event are emitted once, in window order; events joining no window are late.
    /// </summary>
    private static (List<(long Start, long End, Dictionary<string, long> Counts)> Windows, List<int> Late) Oracle(IReadOnlyList<Event> events, long length, long slide, long disorder)
    {
        var windows = new SortedDictionary<long, Dictionary<string, long>>();
        var late = new List<int>();
        var max = long.MinValue;
        foreach (var e in events)
        {
            var watermark = max == long.MinValue ? long.MinValue : max - disorder;
            var joined = false;
            for (var start = (long)Math.Floor(e.Minute / (double)slide) * slide; start + length > e.Minute; start -= slide)
            {
                if (start + length > watermark)
                {
                    var counts = windows.TryGetValue(start, out var c) ? c : windows[start] = [];
                    counts[e.Key] = counts.GetValueOrDefault(e.Key) + 1;
                    joined = true;
                }
            }

            if (!joined)
            {
                late.Add(e.Id);
            }

            max = Math.Max(max, e.Minute);
        }

        return (windows.Select(p => (p.Key, p.Key + length, p.Value)).ToList(), late);
    }

    [Fact]
    public void Results_equal_the_definition_for_random_out_of_order_streams()
    {
        var gen =
            from length in Gen.Int[1, 6]
            from slideDivisor in Gen.Int[1, 3]
            from disorder in Gen.Int[0, 20]
            from events in Gen.Select(Gen.OneOf(Gen.Long[-30, 200], Gen.Long[0, 20].Select(b => b * 10)), Gen.Char['a', 'd']).Array[0, 80]
            select (Length: length * 10L, Slide: Math.Max(1, length * 10L / slideDivisor), Disorder: (long)disorder, Events: events.Select((e, i) => new Event(i, e.Item1, e.Item2.ToString())).ToArray());

        gen.Sample(c =>
        {
            var late = new List<Event>();
            var results = new List<Windowed<IReadOnlyDictionary<string, long>>>();
            var subject = new Subject<Event>();
            using var sub = subject.CountByKeyInEventTimeWindows(e => e.Time, e => e.Key, TimeSpan.FromMinutes(c.Length), TimeSpan.FromMinutes(c.Slide), TimeSpan.FromMinutes(c.Disorder), Observer.Create<Event>(late.Add))
                .Subscribe(results.Add);
            foreach (var e in c.Events)
            {
                subject.OnNext(e);
            }

            subject.OnCompleted();
            var (windows, lateIds) = Oracle(c.Events, c.Length, c.Slide, c.Disorder);

            results.Select(w => ((long)(w.Start - Origin).TotalMinutes, (long)(w.End - Origin).TotalMinutes))
                .Should().Equal(windows.Select(w => (w.Start, w.End)), "each window is emitted once, in order");
            for (var i = 0; i < windows.Count; i++)
            {
                results[i].Value.Should().BeEquivalentTo(windows[i].Counts);
            }

            late.Select(e => e.Id).Should().Equal(lateIds);
        }, iter: 400, seed: "0Wq8V3yNOEs3");
    }

    [Fact]
    public void A_window_is_emitted_when_the_watermark_passes_its_end_and_late_reports_are_routed_aside()
    {
        var subject = new Subject<Event>();
        var results = new List<Windowed<IReadOnlyDictionary<string, long>>>();
        var late = new List<Event>();
        using var sub = subject.CountByKeyInEventTimeWindows(e => e.Time, e => e.Key, TimeSpan.FromMinutes(60), TimeSpan.FromMinutes(60), TimeSpan.FromMinutes(10), Observer.Create<Event>(late.Add))
            .Subscribe(results.Add);

        subject.OnNext(new Event(1, 10, "a"));
        subject.OnNext(new Event(2, 65, "a"));   // watermark 55: [0, 60) still open
        results.Should().BeEmpty();
        subject.OnNext(new Event(3, 50, "b"));   // out of order but within the disorder: counted
        subject.OnNext(new Event(4, 70, "a"));   // watermark 60: [0, 60) closes
        results.Should().ContainSingle().Which.Value.Should().BeEquivalentTo(new Dictionary<string, long> { ["a"] = 1, ["b"] = 1 });
        subject.OnNext(new Event(5, 59, "c"));   // its only window was emitted: late
        late.Select(e => e.Id).Should().Equal(5);
        subject.OnCompleted();
        results.Should().HaveCount(2);
        results[1].Value.Should().BeEquivalentTo(new Dictionary<string, long> { ["a"] = 2 });
    }

    [Fact]
    public void The_late_stream_completes_with_the_source_after_the_last_windows_are_flushed()
    {
        var subject = new Subject<Event>();
        var log = new List<string>();
        using var sub = subject.CountByKeyInEventTimeWindows(
                e => e.Time, e => e.Key, TimeSpan.FromMinutes(10), TimeSpan.FromMinutes(5), TimeSpan.Zero,
                Observer.Create<Event>(e => log.Add($"late {e.Id}"), () => log.Add("late completed")))
            .Subscribe(w => log.Add($"window {(w.Start - Origin).TotalMinutes}-{(w.End - Origin).TotalMinutes}"), () => log.Add("completed"));

        subject.OnNext(new Event(1, 12, "a")); // windows [5, 15) and [10, 20)
        subject.OnNext(new Event(2, 30, "a")); // watermark 30 closes both
        subject.OnNext(new Event(3, 14, "a")); // late
        subject.OnCompleted();                 // flushes [25, 35) and [30, 40)

        log.Should().Equal("window 5-15", "window 10-20", "late 3", "window 25-35", "window 30-40", "late completed", "completed");
    }

    [Fact]
    public void A_failing_selector_ends_both_streams_with_its_error_and_discards_open_windows()
    {
        var subject = new Subject<Event>();
        var results = new List<Windowed<IReadOnlyDictionary<string, long>>>();
        Exception? error = null, lateError = null;
        using var sub = subject.CountByKeyInEventTimeWindows(
                e => e.Id == 2 ? throw new FormatException("bad time") : e.Time, e => e.Key, TimeSpan.FromMinutes(10), TimeSpan.FromMinutes(10), TimeSpan.Zero,
                Observer.Create<Event>(_ => { }, e => lateError = e))
            .Subscribe(results.Add, e => error = e);

        subject.OnNext(new Event(1, 1, "a"));
        subject.OnNext(new Event(2, 50, "a"));
        subject.OnNext(new Event(3, 60, "a"));
        subject.OnCompleted();

        error.Should().BeOfType<FormatException>();
        lateError.Should().BeSameAs(error);
        results.Should().BeEmpty();
    }

    [Fact]
    public void Bad_arguments_are_rejected()
    {
        var s = new Subject<int>();
        FluentActions.Invoking(() => s.EventTimeWindows(_ => Origin, TimeSpan.FromHours(1), TimeSpan.FromHours(1), TimeSpan.FromMinutes(-1), () => 0, (a, _) => a))
            .Should().Throw<ArgumentOutOfRangeException>().Where(e => e.ParamName == "allowedDisorder");
        FluentActions.Invoking(() => s.EventTimeWindows(_ => Origin, TimeSpan.FromHours(1), TimeSpan.Zero, TimeSpan.Zero, () => 0, (a, _) => a))
            .Should().Throw<ArgumentOutOfRangeException>().Where(e => e.ParamName == "slide");
        FluentActions.Invoking(() => s.EventTimeWindows(_ => Origin, TimeSpan.Zero, TimeSpan.FromHours(1), TimeSpan.Zero, () => 0, (a, _) => a))
            .Should().Throw<ArgumentOutOfRangeException>().Where(e => e.ParamName == "windowLength");
    }
}
