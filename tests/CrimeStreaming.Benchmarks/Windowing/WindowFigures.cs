using System.Diagnostics;
using System.Reactive.Subjects;
using CrimeStreaming.Windowing;

namespace CrimeStreaming.Benchmarks.Windowing;

/// <summary>Incremental countByValueAndWindow against a naive recount of the whole window at every slide, on virtual time.</summary>
public sealed class WindowFigures : IFigureSuite
{
    private static readonly DateTimeOffset Start = new(2020, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public string Name => "windows";

    public Task RunAsync(FigureContext context, CancellationToken cancellationToken)
    {
        var events = context.Quick ? 200_000 : 5_000_000;
        const int perBatch = 2_000; // events per batch (one slide = one batch)
        var keys = Enumerable.Range(0, 64).Select(i => $"CRIME TYPE {i}").ToArray();
        var random = new Random(3);
        var data = Enumerable.Range(0, events).Select(_ => keys[random.Next(keys.Length)]).ToArray();

        foreach (var ratio in new[] { 1, 6, 12, 24 })
        {
            Run(data, perBatch, ratio, naive: false); // warm-up
            var incremental = Best(() => Run(data, perBatch, ratio, naive: false).EventsPerSecond);
            var naive = Best(() => Run(data, perBatch, ratio, naive: true).EventsPerSecond);
            var allocated = Run(data, perBatch, ratio, naive: false).BytesPerEvent;
            context.Report(Name, $"window/slide {ratio}: incremental countByValueAndWindow", incremental, "events/s", $"{events:N0} events, {keys.Length} keys, {perBatch:N0} per batch");
            context.Report(Name, $"window/slide {ratio}: naive recount", naive, "events/s");
            context.Report(Name, $"window/slide {ratio}: incremental / naive", incremental / naive, "ratio", ratio == 12 ? "goal >= 5" : string.Empty);
            context.Report(Name, $"window/slide {ratio}: incremental allocation", allocated, "B/event", "whole pipeline: batching, per-batch counts, window results");
        }

        return Task.CompletedTask;

        double Best(Func<double> run) => Enumerable.Range(0, context.Quick ? 1 : 3).Max(_ => run());
    }

    private static (double EventsPerSecond, double BytesPerEvent) Run(string[] data, int perBatch, int ratio, bool naive)
    {
        var clock = new VirtualClock(Start);
        var subject = new Subject<string>();
        var stream = subject.ToDStream(TimeSpan.FromMinutes(1), clock.Scheduler);
        long checksum = 0;
        using var subscription = naive
            ? stream.Window(TimeSpan.FromMinutes(ratio), TimeSpan.FromMinutes(1)).Subscribe(w =>
            {
                var counts = new Dictionary<string, long>();
                foreach (var item in w.Items)
                {
                    counts[item] = counts.GetValueOrDefault(item) + 1;
                }

                checksum += counts.Count;
            })
            : stream.CountByValueAndWindow(x => x, TimeSpan.FromMinutes(ratio), TimeSpan.FromMinutes(1)).Subscribe(w => checksum += w.Items.Count);

        var allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
        var watch = Stopwatch.StartNew();
        for (var i = 0; i < data.Length; i++)
        {
            if (i % perBatch == 0)
            {
                clock.AdvanceTo(Start.AddMinutes(i / perBatch));
            }

            subject.OnNext(data[i]);
        }

        clock.AdvanceBy(TimeSpan.FromMinutes(1));
        watch.Stop();
        var allocated = GC.GetAllocatedBytesForCurrentThread() - allocatedBefore;
        GC.KeepAlive(checksum);
        return (data.Length / watch.Elapsed.TotalSeconds, (double)allocated / data.Length);
    }
}
