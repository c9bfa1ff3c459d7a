using CrimeStreaming.Csv;
using CrimeStreaming.Generation;
using CrimeStreaming.Storage;

namespace CrimeStreaming.Tests.Storage;

public sealed class DiskBackedStorageTests : IDisposable
{
    private readonly string _temp = Directory.CreateTempSubdirectory("crimestreaming-tests-").FullName;

    public void Dispose() => Directory.Delete(_temp, recursive: true);

    private static CrimeStreamerOptions Options(int officers = 5, int seed = 17) => new() { Officers = officers, Seed = seed, AsFastAsPossible = true };

    private static List<List<CrimeReport>> Officers(PreparedReplay prepared) => prepared.Officers.Select(o => o.Reports.ToList()).ToList();

    private void SameAsBasic(ICrimeRecordSource source, long budget, int officers, int seed, int minimumRuns)
    {
        using var basic = new BasicCrimeStreamer(source, Options(officers, seed)).Prepare();
        var disk = new DiskBackedCrimeStreamer(source, Options(officers, seed), new DiskBackedOptions { MemoryBudgetBytes = budget, TemporaryDirectory = _temp });
        using (var prepared = disk.Prepare())
        {
            disk.LastSpill!.Runs.Should().BeGreaterThanOrEqualTo(minimumRuns);
            prepared.Count.Should().Be(basic.Count);
            prepared.Start.Should().Be(basic.Start);
            prepared.Officers.Select(o => o.Count).Should().Equal(basic.Officers.Select(o => o.Count));
            var expected = Officers(basic);
            var actual = Officers(prepared);
            for (var i = 0; i < officers; i++)
            {
                actual[i].Should().Equal(expected[i], "officer {0} replays the same reports in the same order", i + 1);
            }

            prepared.Progress.Snapshot().Should().BeEquivalentTo(basic.Progress.Snapshot());
        }

        Directory.EnumerateFileSystemEntries(_temp).Should().BeEmpty("disposing the replay deletes its run files");
    }

    [Fact]
    public void Real_2020_sample_gives_exactly_what_BasicCrimeStreamer_gives()
    {
        SameAsBasic(new CsvCrimeRecordSource(TestData.Sample2020), budget: 128 << 10, officers: 4, seed: 1, minimumRuns: 8);
    }

    [Fact]
    public void Real_2010_sample_gives_exactly_what_BasicCrimeStreamer_gives()
    {
        SameAsBasic(new CsvCrimeRecordSource(TestData.Sample2010), budget: 256 << 10, officers: 7, seed: 2, minimumRuns: 7);
    }

    [Fact]
    public void A_small_budget_forces_many_spills_on_200k_generated_rows_and_the_output_is_still_exact()
    {
        var path = Path.Combine(_temp, "generated.csv");
        LapdCsvGenerator.WriteFile(path, new LapdGeneratorOptions { Rows = 200_000, Seed = 8 });
        var runs = Directory.CreateDirectory(Path.Combine(_temp, "runs")).FullName;
        var source = new CsvCrimeRecordSource(path);
        using var basic = new BasicCrimeStreamer(source, Options(6, 4)).Prepare();

        // About 65k reports of interest; a 4 MiB budget holds ~3k of them: ~20 spills of 6 officers.
        var disk = new DiskBackedCrimeStreamer(source, Options(6, 4), new DiskBackedOptions { MemoryBudgetBytes = 4 << 20, TemporaryDirectory = runs });
        using (var prepared = disk.Prepare())
        {
            disk.LastSpill!.Runs.Should().BeGreaterThan(60);
            disk.LastSpill.Reports.Should().BeGreaterThan(prepared.Count / 2);
            var expected = Officers(basic);
            var actual = Officers(prepared);
            for (var i = 0; i < 6; i++)
            {
                actual[i].Should().Equal(expected[i]);
            }
        }

        Directory.EnumerateFileSystemEntries(runs).Should().BeEmpty();
    }

    [Fact]
    public void Cancellation_during_preparation_leaves_no_temporary_files()
    {
        using var stop = new CancellationTokenSource();
        var records = Enumerable.Range(0, 100_000).Select(i =>
        {
            if (i == 60_000)
            {
                stop.Cancel();
            }

            return TestData.Record($"{i}", "ROBBERY", new DateTime(2020, 1, 1).AddMinutes(i));
        });
        var disk = new DiskBackedCrimeStreamer(new InMemoryCrimeRecordSource(records), Options(), new DiskBackedOptions { MemoryBudgetBytes = 1 << 20, TemporaryDirectory = _temp });

        var act = () => disk.Prepare(stop.Token);

        act.Should().Throw<OperationCanceledException>();
        disk.LastSpill.Should().BeNull();
        Directory.EnumerateFileSystemEntries(_temp).Should().BeEmpty();
    }

    [Fact]
    public void A_failing_source_leaves_no_temporary_files()
    {
        var records = Enumerable.Range(0, 50_000).Select(i =>
            i == 40_000 ? throw new IOException("disk read error") : TestData.Record($"{i}", "ROBBERY", new DateTime(2020, 1, 1).AddMinutes(i)));
        var disk = new DiskBackedCrimeStreamer(new InMemoryCrimeRecordSource(records), Options(), new DiskBackedOptions { MemoryBudgetBytes = 1 << 20, TemporaryDirectory = _temp });

        FluentActions.Invoking(() => disk.Prepare()).Should().Throw<IOException>().WithMessage("disk read error");
        Directory.EnumerateFileSystemEntries(_temp).Should().BeEmpty();
    }

    [Fact]
    public async Task Cancellation_during_the_replay_leaves_no_temporary_files()
    {
        var records = Enumerable.Range(0, 30_000).Select(i => TestData.Record($"{i}", "ROBBERY", new DateTime(2020, 1, 1).AddMinutes(i))).ToList();
        var disk = new DiskBackedCrimeStreamer(new InMemoryCrimeRecordSource(records), Options(), new DiskBackedOptions { MemoryBudgetBytes = 1 << 20, TemporaryDirectory = _temp });
        using var stop = new CancellationTokenSource();
        var written = 0;
        var sink = new RecordingSink(onWrite: _ =>
        {
            if (++written == 10_000)
            {
                stop.Cancel();
            }

            return ValueTask.CompletedTask;
        });

        var summary = await disk.RunAsync(sink, stop.Token);

        summary.Cancelled.Should().BeTrue();
        summary.Emitted.Should().BeLessThan(30_000);
        disk.LastSpill!.Runs.Should().BeGreaterThan(0);
        Directory.EnumerateFileSystemEntries(_temp).Should().BeEmpty();
    }

    [Fact]
    public void Options_are_validated()
    {
        var source = new InMemoryCrimeRecordSource([]);
        FluentActions.Invoking(() => new DiskBackedCrimeStreamer(source, null, new DiskBackedOptions { MemoryBudgetBytes = 1000 }))
            .Should().Throw<ArgumentException>().WithMessage("*MemoryBudgetBytes*");
        FluentActions.Invoking(() => new DiskBackedCrimeStreamer(source, null, new DiskBackedOptions { TemporaryDirectory = "/no/such/dir" }))
            .Should().Throw<ArgumentException>().WithMessage("*TemporaryDirectory*");
    }
}
