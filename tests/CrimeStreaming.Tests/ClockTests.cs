using System.Reactive.Concurrency;
using System.Reactive.Linq;
using Microsoft.Extensions.Time.Testing;

namespace CrimeStreaming.Tests;

public class ClockTests
{
    private static readonly DateTimeOffset Start = new(2020, 1, 1, 0, 0, 0, TimeSpan.FromHours(-8));

    [Fact]
    public void Accelerated_clock_maps_real_elapsed_time_times_the_acceleration()
    {
        var time = new FakeTimeProvider();
        var clock = new AcceleratedClock(Start, 3600, time);

        time.Advance(TimeSpan.FromSeconds(5));
        clock.Now.Should().Be(Start, "the clock stands still until it runs");
        clock.Run();
        time.Advance(TimeSpan.FromSeconds(2.5));
        clock.Now.Should().Be(Start.AddHours(2.5));
        clock.Run();
        clock.Now.Should().Be(Start.AddHours(2.5), "running again does not restart it");
    }

    [Fact]
    public void Accelerated_scheduler_fires_rx_timers_at_simulated_due_times()
    {
        var time = new FakeTimeProvider();
        var clock = new AcceleratedClock(Start, 60, time);
        clock.Run();
        var ticks = new List<DateTimeOffset>();
        using var sub = Observable.Interval(TimeSpan.FromMinutes(10), clock.Scheduler).Take(3).Subscribe(_ => ticks.Add(clock.Now));

        time.Advance(TimeSpan.FromSeconds(9.9));
        ticks.Should().BeEmpty();
        time.Advance(TimeSpan.FromSeconds(0.1));
        ticks.Should().Equal(Start.AddMinutes(10));
        time.Advance(TimeSpan.FromSeconds(10));
        time.Advance(TimeSpan.FromSeconds(10));
        ticks.Should().Equal(Start.AddMinutes(10), Start.AddMinutes(20), Start.AddMinutes(30));
    }

    [Fact]
    public void Accelerated_scheduler_work_can_be_cancelled()
    {
        var time = new FakeTimeProvider();
        var clock = new AcceleratedClock(Start, 3600, time);
        var fired = false;
        var work = clock.Scheduler.Schedule(Start.AddHours(1), () => fired = true);
        work.Dispose();
        time.Advance(TimeSpan.FromSeconds(2));
        fired.Should().BeFalse();
    }

    [Fact]
    public async Task Accelerated_wait_completes_when_the_simulated_time_is_reached()
    {
        var time = new FakeTimeProvider();
        var clock = new AcceleratedClock(Start, 3600, time);
        clock.Run();
        var wait = clock.WaitUntilAsync(Start.AddHours(3), CancellationToken.None).AsTask();
        time.Advance(TimeSpan.FromSeconds(2.9));
        wait.IsCompleted.Should().BeFalse();
        time.Advance(TimeSpan.FromSeconds(0.1));
        await wait.WaitAsync(TimeSpan.FromSeconds(5));
        clock.Now.Should().BeOnOrAfter(Start.AddHours(3));
        clock.WaitUntilAsync(Start, CancellationToken.None).IsCompleted.Should().BeTrue("a past time needs no waiting");
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    public void Accelerated_clock_rejects_bad_accelerations(double acceleration) =>
        FluentActions.Invoking(() => new AcceleratedClock(Start, acceleration)).Should().Throw<ArgumentOutOfRangeException>();

    [Fact]
    public void Virtual_clock_never_goes_back_and_runs_due_work_in_order()
    {
        var clock = new VirtualClock(Start);
        var log = new List<int>();
        clock.Scheduler.Schedule(Start.AddMinutes(2), () => log.Add(2));
        clock.Scheduler.Schedule(Start.AddMinutes(1), () => log.Add(1));
        clock.AdvanceTo(Start.AddMinutes(5));
        clock.AdvanceTo(Start.AddMinutes(3));
        clock.Now.Should().Be(Start.AddMinutes(5));
        log.Should().Equal(1, 2);
    }

    [Fact]
    public async Task System_clock_waits_are_never_early_and_can_be_cancelled()
    {
        var clock = new AcceleratedClock(Start, 36_000); // 10 simulated hours per real second
        clock.Run();
        for (var i = 1; i <= 20; i++)
        {
            var target = Start.AddMinutes(i);
            await clock.WaitUntilAsync(target, CancellationToken.None);
            clock.Now.Should().BeOnOrAfter(target);
        }

        using var stop = new CancellationTokenSource();
        var wait = clock.WaitUntilAsync(Start.AddYears(1), stop.Token).AsTask();
        await stop.CancelAsync();
        await FluentActions.Awaiting(() => wait.WaitAsync(TimeSpan.FromSeconds(5))).Should().ThrowAsync<OperationCanceledException>();
    }

    [Fact]
    public void Daylight_saving_gaps_and_overlaps_resolve_to_a_single_instant()
    {
        var la = TimeZones.LosAngeles;
        TimeZones.ToOffset(new DateTime(2020, 3, 8, 2, 30, 0), la).Offset.Should().Be(TimeSpan.FromHours(-8), "02:30 does not exist on spring-forward night");
        TimeZones.ToOffset(new DateTime(2020, 11, 1, 1, 30, 0), la).Offset.Should().Be(TimeSpan.FromHours(-7), "the first 01:30 of fall-back night");
        TimeZones.ToOffset(new DateTime(2020, 7, 1, 12, 0, 0), la).Offset.Should().Be(TimeSpan.FromHours(-7));
    }
}
