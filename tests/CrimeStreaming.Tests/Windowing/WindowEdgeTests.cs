using System.Reactive.Linq;
using System.Reactive.Subjects;
using CrimeStreaming.Windowing;

namespace CrimeStreaming.Tests.Windowing;

/// <summary>Window operators at the end of a stream and at the ends of the calendar.</summary>
public class WindowEdgeTests
{
    private static readonly DateTimeOffset Start = new(2020, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Hour = TimeSpan.FromHours(1);

    [Fact]
    public void On_completion_the_windows_the_last_batches_slide_out_of_are_emitted()
    {
        var clock = new VirtualClock(Start);
        var subject = new Subject<int>();
        var counts = new List<Batch<long>>();
        using (subject.ToDStream(Hour, clock.Scheduler).CountByWindow(TimeSpan.FromHours(3), Hour).Subscribe(counts.Add))
        {
            clock.AdvanceTo(Start.AddMinutes(30));
            subject.OnNext(1);
            clock.AdvanceTo(Start.AddMinutes(90));
            subject.OnNext(2);
            subject.OnNext(3);
            subject.OnCompleted(); // in the second batch
        }

        counts.Select(c => (c.End, c.Items.Single())).Should().Equal(
            (Start + Hour, 1L),
            (Start + (2 * Hour), 3L),
            (Start + (3 * Hour), 3L), // the first of the windows after the last batch, as Spark would slide on
            (Start + (4 * Hour), 2L));
        counts.Should().OnlyContain(c => c.End - c.Start == TimeSpan.FromHours(3));
    }

    [Fact]
    public void Windows_after_completion_follow_the_slide_and_stop_once_no_batch_is_left()
    {
        var clock = new VirtualClock(Start);
        var subject = new Subject<string>();
        var windows = new List<Batch<KeyCount<string>>>();
        using (subject.ToDStream(Hour, clock.Scheduler).CountByValueAndWindow(s => s, TimeSpan.FromHours(6), TimeSpan.FromHours(2)).Subscribe(windows.Add))
        {
            for (var h = 0; h < 5; h++)
            {
                clock.AdvanceTo(Start + (h * Hour) + TimeSpan.FromMinutes(10));
                subject.OnNext(h % 2 == 0 ? "even" : "odd");
            }

            subject.OnCompleted(); // 5 batches
        }

        windows.Select(w => w.End).Should().Equal(Enumerable.Range(1, 5).Select(k => Start + (2 * k * Hour)), "ends at 2, 4 (regular), 6, 8, 10 h (after the last batch, before 5 + 6 h)");
        windows[^1].Items.Should().Equal([new KeyCount<string>("even", 1)], "the window [4 h, 10 h) holds only the fifth batch");
    }

    [Fact]
    public void Tumbling_windows_add_nothing_on_completion()
    {
        var clock = new VirtualClock(Start);
        var subject = new Subject<int>();
        var counts = new List<Batch<long>>();
        using (subject.ToDStream(Hour, clock.Scheduler).CountByWindow(TimeSpan.FromHours(2), TimeSpan.FromHours(2)).Subscribe(counts.Add))
        {
            clock.AdvanceTo(Start.AddMinutes(30));
            subject.OnNext(1);
            subject.OnCompleted();
        }

        counts.Select(c => c.End).Should().Equal(Start + (2 * Hour));
    }

    [Fact]
    public void A_DStream_driven_to_the_end_of_the_calendar_does_not_overflow()
    {
        var origin = new DateTimeOffset(9999, 12, 31, 20, 0, 0, TimeSpan.Zero);
        var clock = new VirtualClock(origin);
        var subject = new Subject<int>();
        var windows = new List<Batch<long>>();
        var batches = new List<Batch<int>>();
        var stream = subject.ToDStream(Hour, clock.Scheduler);
        using (stream.Subscribe(batches.Add))
        using (stream.CountByWindow(TimeSpan.FromHours(12), Hour).Subscribe(windows.Add))
        {
            clock.AdvanceTo(origin.AddHours(1.5));
            subject.OnNext(1);
            clock.AdvanceTo(DateTimeOffset.MaxValue);
            subject.OnNext(2);
            subject.OnCompleted();
        }

        batches.Sum(b => b.Items.Count).Should().Be(2);
        batches[^1].End.Should().Be(DateTimeOffset.MaxValue);
        windows.Should().NotBeEmpty().And.OnlyContain(w => w.End <= DateTimeOffset.MaxValue);
        windows.Max(w => w.Items.Single()).Should().Be(2);
    }

    [Fact]
    public void A_window_reaching_before_year_1_is_clamped()
    {
        var origin = DateTimeOffset.MinValue;
        var clock = new VirtualClock(origin);
        var subject = new Subject<int>();
        var windows = new List<Batch<long>>();
        using (subject.ToDStream(Hour, clock.Scheduler, origin).CountByWindow(TimeSpan.FromHours(12), Hour).Subscribe(windows.Add))
        {
            subject.OnNext(1);
            clock.AdvanceTo(origin.AddHours(2));
            subject.OnCompleted();
        }

        windows.Should().NotBeEmpty();
        windows[0].Start.Should().Be(DateTimeOffset.MinValue);
        windows[0].Items.Should().Equal(1L);
    }

    [Theory]
    [InlineData(1, 1, 1)]
    [InlineData(9999, 12, 31)]
    public async Task Event_time_windows_at_the_ends_of_the_calendar_do_not_overflow(int year, int month, int day)
    {
        var time = new DateTimeOffset(year, month, day, 0, 30, 0, TimeSpan.Zero);
        var origins = new DateTimeOffset?[] { null, new DateTimeOffset(2020, 1, 1, 0, 7, 0, TimeSpan.FromHours(-8)), new DateTimeOffset(2020, 1, 1, 0, 7, 0, TimeSpan.FromHours(14)) };
        foreach (var origin in origins)
        {
            var windows = await new[] { time, time.AddMinutes(1) }.ToObservable()
                .CountByKeyInEventTimeWindows(t => t, _ => "k", TimeSpan.FromDays(3), Hour, TimeSpan.MaxValue, origin: origin)
                .ToList();
            windows.Should().NotBeEmpty().And.OnlyContain(w => w.Value["k"] == 2 && w.Start <= w.End);
        }
    }

    [Fact]
    public async Task Event_time_windows_of_enormous_length_do_not_overflow()
    {
        var time = new DateTimeOffset(9000, 1, 1, 0, 0, 0, TimeSpan.Zero);
        var windows = await new[] { time }.ToObservable()
            .CountByKeyInEventTimeWindows(t => t, _ => "k", TimeSpan.MaxValue, TimeSpan.MaxValue, TimeSpan.Zero)
            .ToList();
        windows.Should().ContainSingle().Which.End.Should().Be(DateTimeOffset.MaxValue);
    }
}
