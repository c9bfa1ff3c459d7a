using System.Reactive.Subjects;
using CrimeStreaming.Windowing;

namespace CrimeStreaming.Tests.Windowing;

/// <summary>How <see cref="DStreamExtensions.ToDStream{T}"/> cuts batches on virtual time.</summary>
public class DStreamBatchingTests
{
    // An odd start (not on a second) and an interval that is not a power of ten expose drift quickly.
    private static readonly DateTimeOffset Start = new DateTimeOffset(2020, 1, 1, 0, 0, 0, TimeSpan.Zero).AddTicks(3_333_333);

    [Fact]
    public void Batches_are_cut_at_start_plus_k_intervals_without_drift_and_empty_batches_are_emitted()
    {
        var clock = new VirtualClock(Start);
        var interval = TimeSpan.FromMilliseconds(7.0001);
        var batches = new List<Batch<int>>();
        using var _ = new Subject<int>().ToDStream(interval, clock.Scheduler).Subscribe(batches.Add);

        clock.AdvanceTo(Start + (10_000 * interval));

        batches.Should().HaveCount(10_000);
        for (var k = 0; k < batches.Count; k++)
        {
            batches[k].Start.Should().Be(Start + (k * interval));
            batches[k].End.Should().Be(Start + ((k + 1) * interval));
            batches[k].Time.Should().Be(batches[k].End, "Spark's batch time is the end of the batch");
            batches[k].Items.Should().BeEmpty();
        }
    }

    [Fact]
    public void Origin_aligns_batches_independently_of_the_subscription_time()
    {
        var clock = new VirtualClock(Start);
        var origin = new DateTimeOffset(2020, 1, 1, 0, 0, 0, TimeSpan.Zero);
        var batches = new List<Batch<int>>();
        using var _ = new Subject<int>().ToDStream(TimeSpan.FromMinutes(1), clock.Scheduler, origin).Subscribe(batches.Add);

        clock.AdvanceTo(origin.AddMinutes(3));

        batches.Select(b => b.End).Should().Equal(origin.AddMinutes(1), origin.AddMinutes(2), origin.AddMinutes(3));
    }

    [Fact]
    public void Completion_emits_the_pending_partial_batch_then_completes_and_stops_the_timer()
    {
        var clock = new VirtualClock(Start);
        var subject = new Subject<string>();
        var batches = new List<Batch<string>>();
        var completed = false;
        using var _ = subject.ToDStream(TimeSpan.FromMinutes(1), clock.Scheduler).Subscribe(batches.Add, () => completed = true);

        subject.OnNext("a");
        clock.AdvanceTo(Start.AddSeconds(90));
        subject.OnNext("b");
        subject.OnCompleted();
        clock.AdvanceTo(Start.AddMinutes(10));

        completed.Should().BeTrue();
        batches.Should().HaveCount(2, "no batch follows completion");
        batches[0].Items.Should().Equal("a");
        batches[1].Items.Should().Equal("b");
        batches[1].End.Should().Be(Start.AddMinutes(2), "the partial batch keeps its regular end time");
    }

    [Fact]
    public void An_error_is_passed_on_at_once_and_the_pending_items_are_dropped()
    {
        var clock = new VirtualClock(Start);
        var subject = new Subject<int>();
        var batches = new List<Batch<int>>();
        Exception? error = null;
        using var _ = subject.ToDStream(TimeSpan.FromMinutes(1), clock.Scheduler).Subscribe(batches.Add, e => error = e);

        subject.OnNext(1);
        subject.OnError(new InvalidOperationException("broker down"));
        clock.AdvanceTo(Start.AddMinutes(5));

        error.Should().BeOfType<InvalidOperationException>();
        batches.Should().BeEmpty();
    }

    [Fact]
    public void Disposing_stops_the_batches()
    {
        var clock = new VirtualClock(Start);
        var batches = new List<Batch<int>>();
        var subscription = new Subject<int>().ToDStream(TimeSpan.FromMinutes(1), clock.Scheduler).Subscribe(batches.Add);
        clock.AdvanceTo(Start.AddMinutes(2));
        subscription.Dispose();
        clock.AdvanceTo(Start.AddMinutes(10));
        batches.Should().HaveCount(2);
    }

    [Fact]
    public void A_report_exactly_on_a_boundary_belongs_to_the_batch_that_starts_there()
    {
        var clock = new VirtualClock(Start);
        var subject = new Subject<int>();
        var batches = new List<Batch<int>>();
        using var _ = subject.ToDStream(TimeSpan.FromMinutes(1), clock.Scheduler).Subscribe(batches.Add);

        clock.AdvanceTo(Start.AddMinutes(1)); // the replay advances the clock to the report time, then emits
        subject.OnNext(1);
        clock.AdvanceTo(Start.AddMinutes(2));

        batches.Select(b => b.Items.Count).Should().Equal(0, 1);
    }

    [Fact]
    public void Concurrent_producers_are_serialised_and_no_item_is_lost()
    {
        // Officers on an accelerated clock call OnNext from several threads at once.
        var clock = new VirtualClock(Start);
        var subject = new Subject<int>();
        var batches = new List<Batch<int>>();
        using var _ = subject.ToDStream(TimeSpan.FromMinutes(1), clock.Scheduler).Subscribe(batches.Add);

        const int producers = 4, perProducer = 500_000; // long enough for the producers to overlap
        // Dedicated threads, not pool tasks: they must really run at the same time.
        using var go = new ManualResetEventSlim();
        var threads = Enumerable.Range(0, producers).Select(p => new Thread(() =>
        {
            go.Wait();
            for (var i = 0; i < perProducer; i++)
            {
                subject.OnNext((p * perProducer) + i);
            }
        })).ToList();
        threads.ForEach(t => t.Start());
        go.Set();
        threads.ForEach(t => t.Join());
        clock.AdvanceTo(Start.AddMinutes(1));

        batches.Should().ContainSingle();
        batches[0].Items.Count.Should().Be(producers * perProducer);
        new HashSet<int>(batches[0].Items).SetEquals(Enumerable.Range(0, producers * perProducer)).Should().BeTrue();
    }

    [Fact]
    public void Arguments_are_checked_up_front()
    {
        var scheduler = new VirtualClock(Start).Scheduler;
        FluentActions.Invoking(() => ((IObservable<int>)null!).ToDStream(TimeSpan.FromMinutes(1), scheduler))
            .Should().Throw<ArgumentNullException>().Where(e => e.ParamName == "source");
        FluentActions.Invoking(() => new Subject<int>().ToDStream(TimeSpan.FromMinutes(1), null!))
            .Should().Throw<ArgumentNullException>().Where(e => e.ParamName == "scheduler");
        FluentActions.Invoking(() => new Subject<int>().ToDStream(TimeSpan.FromMinutes(-1), scheduler))
            .Should().Throw<ArgumentOutOfRangeException>().Where(e => e.ParamName == "batchInterval");
    }
}
