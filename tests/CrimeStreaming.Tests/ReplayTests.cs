using System.Reactive.Concurrency;
using System.Reactive.Threading.Tasks;
using CrimeStreaming.Csv;

namespace CrimeStreaming.Tests;

public class ReplayTests
{
    private static CrimeStreamerOptions Options(int officers = 4, int seed = 7) =>
        new() { Officers = officers, Seed = seed, AsFastAsPossible = true };

    [Fact]
    public async Task Virtual_replay_emits_every_report_at_its_report_time_in_time_order()
    {
        var streamer = new BasicCrimeStreamer(new CsvCrimeRecordSource(TestData.Sample2020), Options());
        using var prepared = await streamer.PrepareAsync();
        var clock = new VirtualClock(prepared.Start);
        var sink = new RecordingSink(() => clock.Now);

        var summary = await streamer.ReplayAsync(prepared, clock, sink);

        sink.Written.Should().HaveCount(1958);
        sink.Written.Should().OnlyContain(w => w.At == w.Report.ReportTime, "each report is emitted exactly when the clock reaches its time");
        sink.Written.Select(w => (w.Report.ReportTime, w.Report.OfficerId)).Should().BeInAscendingOrder();
        sink.Completions.Should().Be(1);
        summary.Emitted.Should().Be(1958);
        summary.IsBalanced.Should().BeTrue();
        summary.Cancelled.Should().BeFalse();
    }

    [Fact]
    public async Task Virtual_replay_is_deterministic_and_each_officer_keeps_its_order()
    {
        async Task<List<CrimeReport>> Run()
        {
            var sink = new RecordingSink();
            await new BasicCrimeStreamer(new CsvCrimeRecordSource(TestData.Sample2020), Options()).RunAsync(sink);
            return sink.Written.Select(w => w.Report).ToList();
        }

        var first = await Run();
        var second = await Run();
        second.Should().Equal(first);
        foreach (var officer in first.GroupBy(r => r.OfficerId))
        {
            officer.Select(r => r.ReportTime).Should().BeInAscendingOrder();
        }
    }

    [Fact]
    public async Task Rx_timers_on_the_virtual_clock_fire_between_reports_in_simulated_order()
    {
        var start = new DateTimeOffset(2020, 1, 1, 0, 0, 0, TimeSpan.Zero);
        var records = Enumerable.Range(0, 5).Select(i => TestData.Record($"{i}", "ROBBERY", new DateTime(2020, 1, 1, 2 * i, 0, 0))).ToList();
        var options = Options(officers: 2);
        options.TimeZone = TimeZoneInfo.Utc;
        options.MinReportDelay = TimeSpan.FromMinutes(30);
        options.MaxReportDelay = TimeSpan.FromMinutes(31);
        var streamer = new BasicCrimeStreamer(new InMemoryCrimeRecordSource(records), options);
        using var prepared = await streamer.PrepareAsync();
        var clock = new VirtualClock(start);
        var events = new List<string>();
        for (var h = 1; h <= 9; h += 2)
        {
            var hour = h;
            clock.Scheduler.Schedule(start.AddHours(hour), () => events.Add($"tick {hour:00}:00 at {clock.Now:HH:mm}"));
        }

        var sink = new RecordingSink(onWrite: r =>
        {
            events.Add($"report {r.ReportTime:HH:mm} at {clock.Now:HH:mm}");
            return ValueTask.CompletedTask;
        });
        await streamer.ReplayAsync(prepared, clock, sink);

        events.Should().Equal(
            "report 00:30 at 00:30", "tick 01:00 at 01:00", "report 02:30 at 02:30", "tick 03:00 at 03:00", "report 04:30 at 04:30",
            "tick 05:00 at 05:00", "report 06:30 at 06:30", "tick 07:00 at 07:00", "report 08:30 at 08:30");
    }

    [Fact]
    public async Task Accelerated_replay_waits_for_simulated_time_on_the_injected_clock()
    {
        var time = new CountingTimeProvider(new DateTimeOffset(2030, 1, 1, 0, 0, 0, TimeSpan.Zero));
        var streamer = new BasicCrimeStreamer(new InMemoryCrimeRecordSource(TestData.HourlyRobberies(3)), TestData.ExactDelayOptions(officers: 2), timeProvider: time);
        using var prepared = await streamer.PrepareAsync();
        var clock = streamer.CreateClock(prepared.Start);
        clock.Should().BeOfType<AcceleratedClock>();
        var written = new System.Collections.Concurrent.ConcurrentQueue<string>();
        var sink = new RecordingSink(() => clock.Now, r =>
        {
            written.Enqueue(r.Record.DrNumber);
            return ValueTask.CompletedTask;
        });

        var replay = streamer.ReplayAsync(prepared, clock, sink);
        // Every officer arms one timer per report it waits for: the count tells when all are waiting.
        var officerOf = prepared.Officers.SelectMany(o => o.Reports).ToDictionary(r => r.Record.DrNumber, r => r.OfficerId);
        var sizes = prepared.Officers.ToDictionary(o => o.OfficerId, o => (int)o.Count);
        int Armed() => sizes.Sum(o => Math.Min(written.Count(dr => officerOf[dr] == o.Key) + 1, o.Value));
        await Conditions.WaitFor(() => time.TimersCreated == Armed());

        // At 3600x one real second is one simulated hour: 01:30 comes 1.5 s after 00:00.
        time.Advance(TimeSpan.FromSeconds(1.4));
        await Task.Delay(50);
        written.Should().BeEmpty();
        time.Advance(TimeSpan.FromSeconds(0.1));
        await Conditions.WaitFor(() => written.Count == 1 && time.TimersCreated == Armed());
        written.Should().Equal("1");
        time.Advance(TimeSpan.FromSeconds(1.0));
        await Conditions.WaitFor(() => written.Count == 2 && time.TimersCreated == Armed());
        time.Advance(TimeSpan.FromSeconds(1.0));
        var summary = await replay.WaitAsync(TimeSpan.FromSeconds(10));

        written.Should().Equal("1", "2", "3");
        sink.Written.Should().OnlyContain(w => w.At == w.Report.ReportTime);
        summary.Emitted.Should().Be(3);
    }

    [Fact]
    public async Task Cancellation_stops_cleanly_completes_the_sink_and_accounts_for_the_rest()
    {
        var records = Enumerable.Range(0, 100).Select(i => TestData.Record($"{i}", "ROBBERY", new DateTime(2020, 1, 1).AddHours(i))).ToList();
        var time = new CountingTimeProvider(DateTimeOffset.UnixEpoch);
        var options = new CrimeStreamerOptions { Officers = 3, Seed = 3, Acceleration = 3600 };
        var streamer = new BasicCrimeStreamer(new InMemoryCrimeRecordSource(records), options, timeProvider: time);
        using var stop = new CancellationTokenSource();
        var sink = new RecordingSink();
        using var prepared = await streamer.PrepareAsync();
        var clock = streamer.CreateClock(prepared.Start);
        clock.Run(); // real time starts now, before the fake clock is advanced
        var run = streamer.ReplayAsync(prepared, clock, sink, stop.Token);
        await Conditions.WaitFor(() => time.TimersCreated == 3);
        time.Advance(TimeSpan.FromSeconds(10.5)); // about ten simulated hours
        await Conditions.WaitFor(() => streamer.Progress!.Emitted >= 9);
        await stop.CancelAsync();
        var summary = await run.WaitAsync(TimeSpan.FromSeconds(10));

        summary.Cancelled.Should().BeTrue();
        summary.Emitted.Should().Be(sink.Written.Count).And.BeLessThan(100);
        summary.NotEmitted.Should().Be(100 - sink.Written.Count);
        summary.IsBalanced.Should().BeTrue();
        sink.Completions.Should().Be(1);
        sink.CompletionError.Should().BeNull();
    }

    [Fact]
    public async Task A_failing_sink_fails_the_run_after_completing_the_sink_with_the_error()
    {
        var records = Enumerable.Range(0, 10).Select(i => TestData.Record($"{i}", "ROBBERY", new DateTime(2020, 1, 1).AddHours(i))).ToList();
        var boom = new IOException("disk full");
        var sink = new RecordingSink(onWrite: r => r.Record.DrNumber == "5" ? throw boom : ValueTask.CompletedTask);
        var streamer = new BasicCrimeStreamer(new InMemoryCrimeRecordSource(records), Options(2));

        var act = () => streamer.RunAsync(sink);

        (await act.Should().ThrowAsync<IOException>()).Which.Should().BeSameAs(boom);
        sink.Completions.Should().Be(1);
        sink.CompletionError.Should().BeSameAs(boom);
        streamer.Progress!.Emitted.Should().Be(5);
    }

    [Fact]
    public async Task Observable_sink_pushes_reports_to_subscribers_and_completes()
    {
        var sink = new ObservableCrimeSink();
        var seen = new List<string>();
        var completed = false;
        using var subscription = sink.Subscribe(r => seen.Add(r.Record.DrNumber), () => completed = true);
        var records = Enumerable.Range(0, 20).Select(i => TestData.Record($"{i}", "ROBBERY", new DateTime(2020, 1, 1).AddHours(i))).ToList();

        await new BasicCrimeStreamer(new InMemoryCrimeRecordSource(records), Options(3)).RunAsync(sink);

        seen.Should().HaveCount(20).And.OnlyHaveUniqueItems();
        completed.Should().BeTrue();
    }

    [Fact]
    public async Task ToObservable_runs_the_pipeline_per_subscription()
    {
        var records = Enumerable.Range(0, 30).Select(i => TestData.Record($"{i}", i % 3 == 0 ? "THEFT" : "ROBBERY", new DateTime(2020, 1, 1).AddHours(i))).ToList();
        var streamer = new BasicCrimeStreamer(new InMemoryCrimeRecordSource(records), Options(3));

        var first = await System.Reactive.Linq.Observable.ToList(streamer.ToObservable()).ToTask();
        var second = await System.Reactive.Linq.Observable.ToList(streamer.ToObservable()).ToTask();

        first.Should().HaveCount(20);
        second.Should().Equal(first);
    }
}
