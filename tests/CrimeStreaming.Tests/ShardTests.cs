using System.Collections.Concurrent;
using CrimeStreaming.Csv;
using CrimeStreaming.Storage;

namespace CrimeStreaming.Tests;

public sealed class ShardTests : IDisposable
{
    private const int Seed = 11;
    private const int Officers = 5;
    private readonly string _temp = Directory.CreateTempSubdirectory("crimestreaming-shards-").FullName;

    public void Dispose() => Directory.Delete(_temp, recursive: true);

    public static TheoryData<string, int> SamplesAndShardCounts()
    {
        var data = new TheoryData<string, int>();
        foreach (var sample in new[] { "2020", "2010" })
        {
            foreach (var k in new[] { 1, 2, 3 })
            {
                data.Add(sample, k);
            }
        }

        return data;
    }

    private static string SamplePath(string sample) => sample == "2020" ? TestData.Sample2020 : TestData.Sample2010;

    private static CrimeStreamerOptions Options(ReplayShard shard) =>
        new() { Officers = Officers, Seed = Seed, AsFastAsPossible = true, Shard = shard };

    private sealed record ShardRun(
        ReplayShard Shard,
        IReadOnlyList<(int OfficerId, long Count)> Partitions,
        long PreparedCount,
        long PreparedInOtherShards,
        IReadOnlyList<(CrimeReport Report, DateTimeOffset At)> Written,
        StreamingSummary Summary);

    private static async Task<ShardRun> Replay(CrimeStreamer streamer)
    {
        using var prepared = await streamer.PrepareAsync();
        var clock = new VirtualClock(prepared.Start);
        var sink = new RecordingSink(() => clock.Now);
        var summary = await streamer.ReplayAsync(prepared, clock, sink);
        return new ShardRun(
            prepared.Shard,
            prepared.Officers.Select(o => (o.OfficerId, o.Count)).ToList(),
            prepared.Count,
            prepared.ReportsInOtherShards,
            sink.Written,
            summary);
    }

    [Theory]
    [MemberData(nameof(SamplesAndShardCounts))]
    public async Task The_shards_together_emit_exactly_the_single_process_stream(string sample, int k)
    {
        var source = new CsvCrimeRecordSource(SamplePath(sample));
        var single = await Replay(new BasicCrimeStreamer(source, Options(ReplayShard.Whole)));
        var shards = new List<ShardRun>();
        for (var i = 1; i <= k; i++)
        {
            shards.Add(await Replay(new BasicCrimeStreamer(source, Options(new ReplayShard(i, k)))));
        }

        single.Written.Should().HaveCountGreaterThan(1000, "the sample holds enough reports to exercise every officer");
        foreach (var shard in shards)
        {
            var owned = Enumerable.Range(1, Officers).Where(shard.Shard.Owns).ToList();
            shard.Written.Select(w => w.Report.OfficerId).Distinct().Order().Should().Equal(owned, "{0} replays only, and all of, its own officers", shard.Shard);
            shard.Written.Should().OnlyContain(w => w.At == w.Report.ReportTime, "each report is emitted when the clock reaches its time");
            shard.Partitions.Select(p => p.OfficerId).Should().Equal(Enumerable.Range(1, Officers), "every officer is listed in every shard");
            shard.Partitions.Where(p => !shard.Shard.Owns(p.OfficerId)).Sum(p => p.Count).Should().Be(0, "other shards' officers are not stored");
            shard.PreparedCount.Should().Be(shard.Written.Count);

            var s = shard.Summary;
            s.Shard.Should().Be(shard.Shard);
            s.IsBalanced.Should().BeTrue();
            s.Emitted.Should().Be(shard.Written.Count);
            s.ReportsInOtherShards.Should().Be(shard.PreparedInOtherShards).And.Be(single.Written.Count - shard.Written.Count);
            (s.Emitted + s.ReportsInOtherShards + s.NotEmitted).Should().Be(s.Scheduled);
            s.NotEmitted.Should().Be(0);
            s.Should().BeEquivalentTo(
                single.Summary,
                o => o.Excluding(x => x.Shard).Excluding(x => x.ReportsInOtherShards).Excluding(x => x.ScheduledInShard).Excluding(x => x.Emitted),
                "every shard prepares the whole input as the single process does");
        }

        // Per officer: the same reports, report times and order as in the single process.
        for (var officer = 1; officer <= Officers; officer++)
        {
            var owner = shards.Single(s => s.Shard.Owns(officer));
            owner.Written.Where(w => w.Report.OfficerId == officer).Select(w => w.Report)
                .Should().Equal(single.Written.Where(w => w.Report.OfficerId == officer).Select(w => w.Report), "officer {0} is replayed identically", officer);
        }

        // Together: the single-process stream, merged in its (report time, officer) order.
        var union = shards.SelectMany(s => s.Written.Select(w => w.Report)).OrderBy(r => r.ReportTime.UtcTicks).ThenBy(r => r.OfficerId).ToList();
        union.Should().Equal(single.Written.Select(w => w.Report));
        shards.Sum(s => s.Summary.Emitted).Should().Be(single.Summary.Emitted);
        if (k > 1)
        {
            shards.Should().OnlyContain(s => s.Written.Count < single.Written.Count, "no shard replays everything");
        }
    }

    [Fact]
    public async Task A_disk_backed_shard_emits_what_the_in_memory_shard_emits()
    {
        var source = new CsvCrimeRecordSource(TestData.Sample2020);
        var shard = new ReplayShard(2, 3);
        var basic = await Replay(new BasicCrimeStreamer(source, Options(shard)));
        var disk = await Replay(new DiskBackedCrimeStreamer(source, Options(shard), new DiskBackedOptions { MemoryBudgetBytes = 64 << 10, TemporaryDirectory = _temp }));

        disk.Written.Should().Equal(basic.Written);
        disk.Summary.Should().BeEquivalentTo(basic.Summary);
        disk.Partitions.Should().Equal(basic.Partitions);
    }

    [Fact]
    public async Task A_stopped_shard_still_balances()
    {
        var shard = new ReplayShard(1, 2);
        var streamer = new BasicCrimeStreamer(new CsvCrimeRecordSource(TestData.Sample2020), Options(shard));
        using var stop = new CancellationTokenSource();
        var written = 0;
        var sink = new RecordingSink(onWrite: async _ =>
        {
            if (++written == 100)
            {
                await stop.CancelAsync();
            }
        });

        var summary = await streamer.RunAsync(sink, stop.Token);

        summary.Cancelled.Should().BeTrue();
        summary.Emitted.Should().Be(100);
        summary.ReportsInOtherShards.Should().BeGreaterThan(0);
        summary.NotEmitted.Should().Be(summary.Scheduled - summary.ReportsInOtherShards - 100).And.BeGreaterThan(0);
        summary.IsBalanced.Should().BeTrue();
        summary.ToString().Should().Contain("shard 1/2: in other shards");
    }

    [Theory]
    [InlineData(0, 2, 4)]
    [InlineData(3, 2, 4)]
    [InlineData(1, 0, 4)]
    [InlineData(-1, -1, 4)]
    [InlineData(1, 5, 4)]
    [InlineData(5, 5, 4)]
    public void Invalid_shards_are_rejected_naming_Shard(int index, int count, int officers)
    {
        var options = new CrimeStreamerOptions { Officers = officers, Shard = new ReplayShard(index, count) };

        var e = FluentActions.Invoking(options.Validate).Should().Throw<InvalidOptionsException>().Which;
        e.ParamName.Should().Be(nameof(CrimeStreamerOptions.Shard));
        e.Errors.Should().ContainSingle().Which.Property.Should().Be(nameof(CrimeStreamerOptions.Shard));
        e.Message.Should().Contain($"{index}/{count}");
        FluentActions.Invoking(() => new BasicCrimeStreamer(new InMemoryCrimeRecordSource([]), options)).Should().Throw<InvalidOptionsException>();
    }

    [Fact]
    public void More_shards_than_officers_is_a_usage_error_that_says_so_alongside_other_errors()
    {
        var options = new CrimeStreamerOptions { Officers = 2, Shard = new ReplayShard(3, 3), Acceleration = 0 };

        var e = FluentActions.Invoking(options.Validate).Should().Throw<InvalidOptionsException>().Which;
        e.Errors.Select(x => x.Property).Should().Equal(nameof(CrimeStreamerOptions.Acceleration), nameof(CrimeStreamerOptions.Shard));
        e.Errors[1].Message.Should().Contain("officers (2)").And.Contain("no officer");
    }

    [Fact]
    public void As_many_shards_as_officers_is_valid()
    {
        var options = new CrimeStreamerOptions { Officers = 3, Shard = new ReplayShard(3, 3) };

        FluentActions.Invoking(options.Validate).Should().NotThrow();
        new CrimeStreamerOptions().Shard.Should().Be(ReplayShard.Whole);
        new CrimeStreamerOptions().Epoch.Should().BeNull();
    }

    [Fact]
    public void An_epoch_more_than_a_day_ahead_of_the_streamers_time_is_rejected()
    {
        var time = new CountingTimeProvider(new DateTimeOffset(2031, 5, 1, 12, 0, 0, TimeSpan.Zero));
        var source = new InMemoryCrimeRecordSource([]);
        var ok = new CrimeStreamerOptions { Epoch = time.GetUtcNow() + CrimeStreamerOptions.MaxEpochLead };
        var tooFar = new CrimeStreamerOptions { Epoch = time.GetUtcNow() + CrimeStreamerOptions.MaxEpochLead + TimeSpan.FromSeconds(1) };
        var past = new CrimeStreamerOptions { Epoch = time.GetUtcNow() - TimeSpan.FromDays(400) };

        FluentActions.Invoking(() => new BasicCrimeStreamer(source, ok, timeProvider: time)).Should().NotThrow();
        FluentActions.Invoking(() => new BasicCrimeStreamer(source, past, timeProvider: time)).Should().NotThrow();
        FluentActions.Invoking(() => new BasicCrimeStreamer(source, tooFar, timeProvider: time))
            .Should().Throw<InvalidOptionsException>().Where(e => e.ParamName == nameof(CrimeStreamerOptions.Epoch) && e.Message.Contains("24 hours"));
    }

    [Fact]
    public void The_epoch_is_the_real_instant_at_which_the_accelerated_clock_reads_its_start()
    {
        var start = new DateTimeOffset(2020, 1, 1, 0, 0, 0, TimeSpan.FromHours(-8));
        var time = new CountingTimeProvider(new DateTimeOffset(2031, 5, 1, 12, 0, 0, TimeSpan.Zero));
        var epoch = time.GetUtcNow() + TimeSpan.FromSeconds(10);
        var early = new AcceleratedClock(start, 3600, time, epoch);
        early.Run();
        early.Now.Should().Be(start.AddHours(-10), "ten real seconds before the epoch at 3600x");

        time.Advance(TimeSpan.FromSeconds(25));
        var late = new AcceleratedClock(start, 3600, time, epoch);
        late.Now.Should().Be(start, "a clock stands still until it runs");
        late.Run();
        late.Now.Should().Be(start.AddHours(15), "fifteen real seconds after the epoch at 3600x");
        early.Now.Should().Be(late.Now);

        time.Advance(TimeSpan.FromSeconds(1));
        early.Now.Should().Be(start.AddHours(16)).And.Be(late.Now);
        new AcceleratedClock(start, 3600, time).Epoch.Should().BeNull();
    }

    [Fact]
    public void The_epoch_is_ignored_by_the_virtual_clock()
    {
        var time = new CountingTimeProvider(new DateTimeOffset(2031, 5, 1, 12, 0, 0, TimeSpan.Zero));
        var options = new CrimeStreamerOptions { AsFastAsPossible = true, Epoch = time.GetUtcNow() + TimeSpan.FromHours(1) };
        var start = new DateTimeOffset(2020, 1, 1, 0, 0, 0, TimeSpan.Zero);

        var clock = new BasicCrimeStreamer(new InMemoryCrimeRecordSource([]), options, timeProvider: time).CreateClock(start);

        clock.Should().BeOfType<VirtualClock>();
        clock.Now.Should().Be(start);
    }

    [Fact]
    public async Task Streamers_started_at_different_moments_with_one_epoch_emit_each_report_at_the_same_instant()
    {
        // Reports at 01:30, 02:30 and 03:30 UTC; the replay starts at midnight and runs at 3600x.
        var records = new[] { 1, 2, 3 }.Select(h => TestData.Record($"{h}", "ROBBERY", new DateTime(2020, 1, 1, h, 0, 0))).ToList();
        var t0 = new DateTimeOffset(2031, 5, 1, 12, 0, 0, TimeSpan.Zero);
        var time = new CountingTimeProvider(t0);
        var epoch = t0 + TimeSpan.FromSeconds(10);
        var options = new CrimeStreamerOptions
        {
            Officers = 1, Seed = 1, Acceleration = 3600, TimeZone = TimeZoneInfo.Utc, Epoch = epoch,
            MinReportDelay = TimeSpan.FromMinutes(30), MaxReportDelay = TimeSpan.FromMinutes(31),
        };

        var a = await Start(options);
        await Conditions.WaitFor(() => time.TimersCreated == 1);
        time.Advance(TimeSpan.FromSeconds(4));
        var b = await Start(options);
        await Conditions.WaitFor(() => time.TimersCreated == 2);

        var expected = new List<DateTimeOffset>();
        foreach (var (reportTime, index) in a.Prepared.Officers[0].Reports.Select((r, i) => (r.ReportTime, i)))
        {
            var due = epoch + ((reportTime - a.Prepared.Start) / 3600);
            expected.Add(due);
            time.Advance(due - TimeSpan.FromMilliseconds(1) - time.GetUtcNow());
            // A clock short of the report time cannot have released it: the officer's wait only ends when the clock gets there.
            a.Clock.Now.Should().BeBefore(reportTime);
            b.Clock.Now.Should().Be(a.Clock.Now);
            a.Written.Should().HaveCount(index);
            b.Written.Should().HaveCount(index);

            time.Advance(TimeSpan.FromMilliseconds(1));
            a.Clock.Now.Should().Be(reportTime);
            b.Clock.Now.Should().Be(reportTime);
            var armed = index < 2 ? 2 * (index + 2) : 2 * (index + 1);
            await Conditions.WaitFor(() => a.Written.Count == index + 1 && b.Written.Count == index + 1 && time.TimersCreated == armed);
        }

        var summaries = await Task.WhenAll(a.Replay, b.Replay).WaitAsync(TimeSpan.FromSeconds(10));
        expected.Should().Equal(t0 + TimeSpan.FromSeconds(11.5), t0 + TimeSpan.FromSeconds(12.5), t0 + TimeSpan.FromSeconds(13.5));
        a.Written.Select(w => w.At).Should().Equal(expected, "each report is written at epoch + (report time - start) / acceleration");
        b.Written.Select(w => w.At).Should().Equal(expected, "a streamer started 4 s later keeps the same timeline");
        a.Written.Select(w => w.Dr).Should().Equal(b.Written.Select(w => w.Dr));
        summaries.Should().OnlyContain(s => s.Emitted == 3 && s.IsBalanced);
        a.Prepared.Dispose();
        b.Prepared.Dispose();

        async Task<Started> Start(CrimeStreamerOptions options)
        {
            var streamer = new BasicCrimeStreamer(new InMemoryCrimeRecordSource(records), options, timeProvider: time);
            var prepared = await streamer.PrepareAsync();
            var clock = streamer.CreateClock(prepared.Start);
            var written = new ConcurrentQueue<(string Dr, DateTimeOffset At)>();
            var sink = new RecordingSink(onWrite: r =>
            {
                written.Enqueue((r.Record.DrNumber, time.GetUtcNow()));
                return ValueTask.CompletedTask;
            });
            return new Started(prepared, clock, written, streamer.ReplayAsync(prepared, clock, sink));
        }
    }

    [Fact]
    public async Task An_epoch_in_the_past_starts_the_replay_part_way()
    {
        var records = new[] { 1, 2, 3 }.Select(h => TestData.Record($"{h}", "ROBBERY", new DateTime(2020, 1, 1, h, 0, 0))).ToList();
        var t0 = new DateTimeOffset(2031, 5, 1, 12, 0, 0, TimeSpan.Zero);
        var time = new CountingTimeProvider(t0);
        var options = new CrimeStreamerOptions
        {
            Officers = 1, Seed = 1, Acceleration = 3600, TimeZone = TimeZoneInfo.Utc, Epoch = t0 - TimeSpan.FromSeconds(2),
            MinReportDelay = TimeSpan.FromMinutes(30), MaxReportDelay = TimeSpan.FromMinutes(31),
        };
        var streamer = new BasicCrimeStreamer(new InMemoryCrimeRecordSource(records), options, timeProvider: time);
        using var prepared = await streamer.PrepareAsync();
        var clock = streamer.CreateClock(prepared.Start);
        var written = new ConcurrentQueue<(string Dr, DateTimeOffset At)>();
        var sink = new RecordingSink(onWrite: r =>
        {
            written.Enqueue((r.Record.DrNumber, time.GetUtcNow()));
            return ValueTask.CompletedTask;
        });

        var replay = streamer.ReplayAsync(prepared, clock, sink);

        // Two real seconds after the epoch the clock reads 02:00: the 01:30 report is overdue and goes out at once.
        await Conditions.WaitFor(() => written.Count == 1 && time.TimersCreated == 1);
        clock.Now.Should().Be(prepared.Start.AddHours(2));
        time.Advance(TimeSpan.FromSeconds(0.5));
        await Conditions.WaitFor(() => written.Count == 2 && time.TimersCreated == 2);
        time.Advance(TimeSpan.FromSeconds(1));
        var summary = await replay.WaitAsync(TimeSpan.FromSeconds(10));

        written.Should().Equal(("1", t0), ("2", t0 + TimeSpan.FromSeconds(0.5)), ("3", t0 + TimeSpan.FromSeconds(1.5)));
        summary.Emitted.Should().Be(3);
    }

    private sealed record Started(PreparedReplay Prepared, SimulationClock Clock, ConcurrentQueue<(string Dr, DateTimeOffset At)> Written, Task<StreamingSummary> Replay);
}
