using System.Diagnostics;
using System.Security.Cryptography;

namespace CrimeStreaming.Benchmarks.Core;

/// <summary>
/// How late each emission is against its schedule on the accelerated clock (3600x), idle and under load: runs
/// alternate (<see cref="PairedRuns"/>) between an idle machine and one where a background thread of the benchmark
/// hashes without pause for the whole replay, keeping one core busy.
/// </summary>
public sealed class PacingFigures : IFigureSuite
{
    private const double Acceleration = 3600;
    private const int Officers = 8;
    private const int HashBlock = 64 * 1024;

    /// <summary>What the loaded runs add, as printed in the figures.</summary>
    private const string LoadDescription = "1 background thread hashing 64 KiB blocks with SHA-256 non-stop, started before and stopped after the replay";

    public string Name => "pacing";

    public async Task RunAsync(FigureContext context, CancellationToken cancellationToken)
    {
        // Quick mode only shows that both sides run: short replays, one round, and no goal stated against its figures.
        var realSeconds = context.Quick ? 0.5 : 5.0;
        var rounds = PairedRuns.Rounds(context, full: 5, quick: 1);
        var idle = new List<Lateness>();
        var loaded = new List<Lateness>();
        var series = await PairedRuns.RunAsync(
            rounds,
            new PairedSide("idle", async _ => Record(idle, await ReplayAsync(realSeconds, load: false, cancellationToken))),
            new PairedSide("loaded", async _ => Record(loaded, await ReplayAsync(realSeconds, load: true, cancellationToken))));

        // The first run of each side is the warm-up round, which PairedRuns does not count.
        idle.RemoveAt(0);
        loaded.RemoveAt(0);
        var note = $"{(int)(realSeconds * 500):N0} emissions per run by {Officers} officers over {realSeconds} s at {Acceleration}x; " +
            $"{series.Rate(0).Describe(series.Rounds, "runs")} of p99";
        context.Report(Name, "idle lateness p50", Median(idle, l => l.P50), "ms", note);
        context.Report(Name, "idle lateness p99", Median(idle, l => l.P99), "ms", context.Quick ? "quick: not judged" : "goal <= 2 ms");
        context.Report(Name, "idle lateness max", Median(idle, l => l.Max), "ms", "median of the runs' max");
        context.Report(Name, "loaded lateness p50", Median(loaded, l => l.P50), "ms", "load: " + LoadDescription);
        context.Report(Name, "loaded lateness p99", Median(loaded, l => l.P99), "ms", Join(series.Rate(1).Describe(series.Rounds, "runs"), context.Quick ? "quick: not judged" : "goal <= 2 ms"));
        context.Report(Name, "loaded lateness max", Median(loaded, l => l.Max), "ms", "median of the runs' max");
    }

    private static string Join(string a, string b) => a + "; " + b;

    private static double Record(List<Lateness> runs, Lateness lateness)
    {
        runs.Add(lateness);
        return lateness.P99;
    }

    private static double Median(List<Lateness> runs, Func<Lateness, double> figure) => Spread.Of(runs.Select(figure).ToArray()).Median;

    private static async Task<Lateness> ReplayAsync(double realSeconds, bool load, CancellationToken cancellationToken)
    {
        var reports = (int)(realSeconds * 500); // 500 emissions per real second, across all officers
        var day = new DateTime(2020, 6, 1);
        var random = new Random(5);
        var records = Enumerable.Range(0, reports).Select(i => new CrimeRecord
        {
            DrNumber = i.ToString("D9", System.Globalization.CultureInfo.InvariantCulture),
            DateOccurred = DateOnly.FromDateTime(day),
            TimeOccurred = TimeOnly.FromTimeSpan(TimeSpan.FromMinutes(random.Next(0, (int)(realSeconds * 60)))),
            AreaId = "01",
            AreaName = "Central",
            CrimeCode = "210",
            CrimeDescription = "ROBBERY",
        }).ToList();
        // Every report is made 30 minutes after the crime and the simulation starts then, so a run lasts realSeconds.
        var options = new CrimeStreamerOptions
        {
            Officers = Officers,
            Seed = 1,
            Acceleration = Acceleration,
            TimeZone = TimeZoneInfo.Utc,
            MinReportDelay = TimeSpan.FromMinutes(30),
            MaxReportDelay = TimeSpan.FromMinutes(31),
            SimulationStart = new DateTimeOffset(day, TimeSpan.Zero).AddMinutes(30),
        };
        var streamer = new BasicCrimeStreamer(new InMemoryCrimeRecordSource(records), options);
        using var prepared = streamer.Prepare();
        using var background = load ? new BackgroundLoad() : null;
        var clock = (AcceleratedClock)streamer.CreateClock(prepared.Start);
        var sink = new LatenessSink(prepared.Start, Acceleration);
        clock.Run();
        sink.Begin();
        await streamer.ReplayAsync(prepared, clock, sink, cancellationToken);
        background?.Dispose();

        var late = sink.LatenessMs.Order().ToArray();
        double P(double q) => late[Math.Min(late.Length - 1, (int)(q * late.Length))];
        return new Lateness(P(0.50), P(0.99), late[^1]);
    }

    private readonly record struct Lateness(double P50, double P99, double Max);

    /// <summary>CPU-bound work on one background thread, from construction until disposal.</summary>
    private sealed class BackgroundLoad : IDisposable
    {
        private readonly Thread _thread;
        private volatile bool _stop;

        public BackgroundLoad()
        {
            _thread = new Thread(Run) { IsBackground = true, Name = "pacing load" };
            _thread.Start();
        }

        public void Dispose()
        {
            if (!_stop)
            {
                _stop = true;
                _thread.Join();
            }
        }

        private void Run()
        {
            var block = new byte[HashBlock];
            Random.Shared.NextBytes(block);
            Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
            while (!_stop)
            {
                SHA256.HashData(block, hash);
                block[0] ^= hash[0];
            }
        }
    }

    /// <summary>Records, for each report, real time of emission minus the real time its schedule asked for.</summary>
    private sealed class LatenessSink(DateTimeOffset start, double acceleration) : ICrimeReportSink
    {
        private readonly object _gate = new();
        private long _origin;

        public List<double> LatenessMs { get; } = [];

        public void Begin() => _origin = Stopwatch.GetTimestamp();

        public ValueTask WriteAsync(CrimeReport report, CancellationToken cancellationToken)
        {
            var elapsed = Stopwatch.GetElapsedTime(_origin).TotalMilliseconds;
            var due = (report.ReportTime - start).TotalMilliseconds / acceleration;
            lock (_gate)
            {
                LatenessMs.Add(elapsed - due);
            }

            return ValueTask.CompletedTask;
        }

        public ValueTask CompleteAsync(Exception? error, CancellationToken cancellationToken) => ValueTask.CompletedTask;
    }
}
