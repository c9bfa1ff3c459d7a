using System.Collections.Concurrent;
using System.Reactive.Linq;
using Microsoft.Extensions.Time.Testing;

namespace CrimeStreaming.Tests;

/// <summary>Pausing, resuming, re-pacing and holding an accelerated clock, on fake real time.</summary>
public class ClockControlTests
{
    private static readonly DateTimeOffset Start = new(2020, 1, 1, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public void A_paused_clock_stands_still_and_resumes_where_it_stopped()
    {
        var time = new FakeTimeProvider();
        var clock = new AcceleratedClock(Start, 3600, time);
        var changes = 0;
        clock.Changed += (_, _) => changes++;
        clock.Run();
        time.Advance(TimeSpan.FromSeconds(1));

        clock.Pause();
        clock.IsPaused.Should().BeTrue();
        clock.IsStopped.Should().BeTrue();
        time.Advance(TimeSpan.FromSeconds(10));
        clock.Now.Should().Be(Start.AddHours(1));

        clock.Resume();
        clock.IsPaused.Should().BeFalse();
        time.Advance(TimeSpan.FromSeconds(0.5));
        clock.Now.Should().Be(Start.AddHours(1.5));
        changes.Should().Be(2);
    }

    [Fact]
    public void A_reading_gives_the_time_the_pace_and_the_pause_together()
    {
        var time = new FakeTimeProvider();
        var clock = new AcceleratedClock(Start, 3600, time);
        clock.Read().Should().Be(new AcceleratedClockReading(Start, 3600, false, false), "before it runs the clock reads its start");
        clock.Pause();
        clock.Read().Should().Be(new AcceleratedClockReading(Start, 3600, true, false));
        clock.Resume();
        clock.Run();
        time.Advance(TimeSpan.FromSeconds(1));
        clock.Read().Should().Be(new AcceleratedClockReading(Start.AddHours(1), 3600, false, false));

        var hold = clock.Hold();
        time.Advance(TimeSpan.FromSeconds(1));
        clock.Read().Should().Be(new AcceleratedClockReading(Start.AddHours(1), 3600, false, true));
        clock.Read().IsStopped.Should().BeTrue();

        // Paused while held and released while paused: stopped throughout, and the reading says why.
        clock.Pause();
        clock.Read().Should().Be(new AcceleratedClockReading(Start.AddHours(1), 3600, true, true));
        hold.Dispose();
        time.Advance(TimeSpan.FromSeconds(1));
        clock.Read().Should().Be(new AcceleratedClockReading(Start.AddHours(1), 3600, true, false));

        clock.SetAcceleration(60);
        clock.Read().Should().Be(new AcceleratedClockReading(Start.AddHours(1), 60, true, false));
        clock.Resume();
        time.Advance(TimeSpan.FromSeconds(1));
        clock.Read().Should().Be(new AcceleratedClockReading(Start.AddHours(1).AddMinutes(1), 60, false, false));
        clock.Read().IsStopped.Should().BeFalse();
    }

    [Fact]
    public async Task A_reading_taken_while_a_pause_lands_never_shows_a_paused_clock_at_another_time()
    {
        // Real time, fast: a view reading the clock while another thread pauses it must see the paused clock only at
        // the time it stopped at, never at a moment just before (which would then appear to move while paused).
        for (var round = 0; round < 200; round++)
        {
            var clock = new AcceleratedClock(Start, 1_000_000);
            clock.Run();
            var pausedReadings = new List<DateTimeOffset>();
            using var go = new Barrier(2);
            var reader = Task.Run(() =>
            {
                go.SignalAndWait();
                while (pausedReadings.Count < 20)
                {
                    var reading = clock.Read();
                    if (reading.IsPaused)
                    {
                        pausedReadings.Add(reading.Now);
                    }
                }
            });
            go.SignalAndWait();
            Thread.SpinWait(Random.Shared.Next(5_000));
            clock.Pause();
            await reader;

            var stoppedAt = clock.Now;
            pausedReadings.Should().OnlyContain(now => now == stoppedAt, $"round {round}: a paused clock reads the time it stopped at");
        }
    }

    [Fact]
    public void A_new_acceleration_applies_from_now_without_a_jump()
    {
        var (time, clock) = Running();
        time.Advance(TimeSpan.FromSeconds(2));

        clock.SetAcceleration(60);
        clock.Now.Should().Be(Start.AddHours(2));
        clock.Acceleration.Should().Be(60);
        time.Advance(TimeSpan.FromSeconds(30));
        clock.Now.Should().Be(Start.AddHours(2).AddMinutes(30));
        clock.ToRealTime(TimeSpan.FromMinutes(1)).Should().Be(TimeSpan.FromSeconds(1));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-2)]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    public void A_bad_acceleration_is_refused_and_the_pace_kept(double acceleration)
    {
        var (time, clock) = Running();

        FluentActions.Invoking(() => clock.SetAcceleration(acceleration)).Should().Throw<ArgumentOutOfRangeException>().Which.ParamName.Should().Be("acceleration");
        time.Advance(TimeSpan.FromSeconds(1));
        clock.Now.Should().Be(Start.AddHours(1));
    }

    [Fact]
    public void Holds_are_counted_and_a_pause_outlasts_them()
    {
        var (time, clock) = Running();
        var first = clock.Hold();
        var second = clock.Hold();
        time.Advance(TimeSpan.FromSeconds(5));
        first.Dispose();
        clock.IsStopped.Should().BeTrue("one hold is still held");
        time.Advance(TimeSpan.FromSeconds(5));
        clock.Now.Should().Be(Start);

        clock.Pause();
        second.Dispose();
        clock.IsStopped.Should().BeTrue("the clock is paused");
        clock.IsPaused.Should().BeTrue();
        time.Advance(TimeSpan.FromSeconds(5));
        clock.Now.Should().Be(Start);

        clock.Resume();
        time.Advance(TimeSpan.FromSeconds(1));
        clock.Now.Should().Be(Start.AddHours(1));
    }

    [Fact]
    public void A_clock_paused_or_held_before_it_runs_starts_stopped()
    {
        var time = new FakeTimeProvider();
        var clock = new AcceleratedClock(Start, 3600, time);
        clock.Pause();
        clock.Run();
        time.Advance(TimeSpan.FromSeconds(3));
        clock.Now.Should().Be(Start);
        clock.Resume();
        time.Advance(TimeSpan.FromSeconds(1));
        clock.Now.Should().Be(Start.AddHours(1));
    }

    [Fact]
    public async Task A_wait_pending_across_a_pause_and_a_speed_change_completes_at_its_simulated_time()
    {
        var time = new CountingTimeProvider(DateTimeOffset.UnixEpoch);
        var clock = new AcceleratedClock(Start, 3600, time);
        clock.Run();
        var wait = clock.WaitUntilAsync(Start.AddHours(3), CancellationToken.None).AsTask();
        time.TimersCreated.Should().Be(1);
        time.Advance(TimeSpan.FromSeconds(1));

        clock.Pause();
        time.Advance(TimeSpan.FromSeconds(100));
        wait.IsCompleted.Should().BeFalse("simulated time stood still at 01:00");

        // The waiter re-arms for the new pace: advance real time only once it has (else its timer would start late).
        clock.Resume();
        await Conditions.WaitFor(() => time.TimersCreated == 2);
        clock.SetAcceleration(7200);
        await Conditions.WaitFor(() => time.TimersCreated == 3);
        time.Advance(TimeSpan.FromSeconds(0.9));
        wait.IsCompleted.Should().BeFalse("two simulated hours at 7200x take one real second");
        time.Advance(TimeSpan.FromSeconds(0.1));
        await wait.WaitAsync(TimeSpan.FromSeconds(10));
        clock.Now.Should().Be(Start.AddHours(3));
    }

    [Fact]
    public async Task A_wait_on_a_paused_clock_can_be_cancelled()
    {
        var clock = new AcceleratedClock(Start, 3600, new FakeTimeProvider());
        clock.Pause();
        using var stop = new CancellationTokenSource();
        var wait = clock.WaitUntilAsync(Start.AddHours(1), stop.Token).AsTask();
        await stop.CancelAsync();
        await FluentActions.Awaiting(() => wait.WaitAsync(TimeSpan.FromSeconds(10))).Should().ThrowAsync<OperationCanceledException>();
    }

    [Fact]
    public void Rx_timers_follow_pauses_and_speed_changes()
    {
        var (time, clock) = Running();
        var fired = new List<DateTimeOffset>();
        using var hourly = Observable.Interval(TimeSpan.FromHours(2), clock.Scheduler).Take(2).Subscribe(_ => fired.Add(clock.Now));

        time.Advance(TimeSpan.FromSeconds(1));
        clock.Pause();
        time.Advance(TimeSpan.FromSeconds(60));
        fired.Should().BeEmpty("the clock stood at 01:00");
        clock.Resume();
        time.Advance(TimeSpan.FromSeconds(0.9));
        fired.Should().BeEmpty();
        time.Advance(TimeSpan.FromSeconds(0.1));
        fired.Should().Equal(Start.AddHours(2));

        // Ten times faster: the next two simulated hours take 0.2 real seconds.
        clock.SetAcceleration(36_000);
        time.Advance(TimeSpan.FromSeconds(0.19));
        fired.Should().HaveCount(1);
        time.Advance(TimeSpan.FromSeconds(0.01));
        fired.Should().Equal(Start.AddHours(2), Start.AddHours(4));
    }

    [Fact]
    public async Task A_sink_that_makes_the_replay_wait_holds_the_clock_so_no_backlog_builds_up()
    {
        var time = new CountingTimeProvider(new DateTimeOffset(2030, 1, 1, 0, 0, 0, TimeSpan.Zero));
        var streamer = new BasicCrimeStreamer(new InMemoryCrimeRecordSource(TestData.HourlyRobberies(6)), TestData.ExactDelayOptions(officers: 1), timeProvider: time);
        using var prepared = await streamer.PrepareAsync();
        var clock = (AcceleratedClock)streamer.CreateClock(prepared.Start);
        var release = new TaskCompletionSource();
        var entered = new ConcurrentQueue<string>();
        var sink = new RecordingSink(() => clock.Now, r =>
        {
            entered.Enqueue(r.Record.DrNumber);
            return r.Record.DrNumber == "3" ? new ValueTask(release.Task) : ValueTask.CompletedTask;
        });

        var replay = streamer.ReplayAsync(prepared, clock, sink);
        await Conditions.WaitFor(() => time.TimersCreated == 1);
        time.Advance(TimeSpan.FromSeconds(3.5)); // 03:30, when report 3 is due
        await Conditions.WaitFor(() => entered.Count == 3);
        await Conditions.WaitFor(() => clock.IsStopped);

        var held = clock.Now;
        var timers = time.TimersCreated;
        time.Advance(TimeSpan.FromSeconds(100));
        clock.Now.Should().Be(held, "the clock waits with the replay");
        release.SetResult();
        for (var n = 4; n <= 6; n++)
        {
            // The officer waits for report n (a timer of its own), due one simulated hour after the last.
            var armed = timers + n - 3;
            await Conditions.WaitFor(() => !clock.IsStopped && time.TimersCreated == armed);
            time.Advance(TimeSpan.FromSeconds(1));
            await Conditions.WaitFor(() => entered.Count == n);
        }

        var summary = await replay.WaitAsync(TimeSpan.FromSeconds(10));

        summary.Emitted.Should().Be(6);
        sink.Written.Where(w => int.Parse(w.Report.Record.DrNumber, System.Globalization.CultureInfo.InvariantCulture) > 3).Should().HaveCount(3).And.OnlyContain(w => w.At == w.Report.ReportTime, "every later report came at its own time, not all at once on release");
    }

    [Fact]
    public async Task A_replay_paused_and_re_paced_at_arbitrary_points_emits_what_a_plain_replay_emits()
    {
        var records = Enumerable.Range(0, 120).Select(i => TestData.Record($"{i}", i % 2 == 0 ? "ROBBERY" : "BURGLARY", new DateTime(2020, 1, 1).AddMinutes(37 * i))).ToList();
        var options = new CrimeStreamerOptions { Officers = 4, Seed = 7, Acceleration = 3600, TimeZone = TimeZoneInfo.Utc };
        var fast = options.Clone();
        fast.AsFastAsPossible = true;
        var plain = new RecordingSink();
        await new BasicCrimeStreamer(new InMemoryCrimeRecordSource(records), fast).RunAsync(plain);

        var time = new FakeTimeProvider(DateTimeOffset.UnixEpoch);
        var streamer = new BasicCrimeStreamer(new InMemoryCrimeRecordSource(records), options, timeProvider: time);
        using var prepared = await streamer.PrepareAsync();
        var clock = (AcceleratedClock)streamer.CreateClock(prepared.Start);
        var sink = new RecordingSink(() => clock.Now);
        clock.Run();
        var replay = streamer.ReplayAsync(prepared, clock, sink);
        var random = new Random(11);
        for (var step = 0; !replay.IsCompleted && step < 20_000; step++)
        {
            switch (random.Next(10))
            {
                case 0:
                    clock.Pause();
                    var before = sink.Written.Count;
                    time.Advance(TimeSpan.FromSeconds(30));
                    await Task.Yield();
                    sink.Written.Count.Should().BeLessThanOrEqualTo(before + 4, "at most the officers already past their wait write while paused");

                    clock.Resume();
                    break;
                case 1:
                    clock.SetAcceleration(random.Next(2) == 0 ? 600 : 20_000);
                    break;
                default:
                    time.Advance(TimeSpan.FromSeconds(0.2));
                    break;
            }

            await Task.Delay(1);
        }

        var summary = await replay.WaitAsync(TimeSpan.FromSeconds(30));
        summary.Emitted.Should().Be(plain.Written.Count);
        sink.Written.Should().OnlyContain(w => w.At >= w.Report.ReportTime, "no report is emitted before its time");
        Key(sink).Should().BeEquivalentTo(Key(plain), "the same reports, officers and report times");
        foreach (var officer in prepared.Officers)
        {
            sink.Written.Where(w => w.Report.OfficerId == officer.OfficerId).Select(w => w.Report.Record.DrNumber)
                .Should().Equal(plain.Written.Where(w => w.Report.OfficerId == officer.OfficerId).Select(w => w.Report.Record.DrNumber), "each officer reports in report-time order");
        }

        static IEnumerable<string> Key(RecordingSink s) => s.Written.Select(w => $"{w.Report.Record.DrNumber} {w.Report.OfficerId} {w.Report.ReportTime:O}");
    }

    /// <summary>A clock at 3600x on fake real time, already running.</summary>
    private static (FakeTimeProvider Time, AcceleratedClock Clock) Running()
    {
        var time = new FakeTimeProvider();
        var clock = new AcceleratedClock(Start, 3600, time);
        clock.Run();
        return (time, clock);
    }
}
