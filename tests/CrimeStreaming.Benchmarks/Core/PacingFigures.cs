using System.Diagnostics;

namespace CrimeStreaming.Benchmarks.Core;

/// <summary>How late each emission is against its schedule on the accelerated clock (3600x).</summary>
public sealed class PacingFigures : IFigureSuite
{
    public string Name => "pacing";

    public async Task RunAsync(FigureContext context, CancellationToken cancellationToken)
    {
        var realSeconds = context.Quick ? 1.0 : 10.0;
        const double acceleration = 3600;
        const int officers = 8;
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
        var options = new CrimeStreamerOptions { Officers = officers, Seed = 1, Acceleration = acceleration, TimeZone = TimeZoneInfo.Utc, SimulationStart = new DateTimeOffset(day, TimeSpan.Zero) };
        var streamer = new BasicCrimeStreamer(new InMemoryCrimeRecordSource(records), options);
        using var prepared = streamer.Prepare();
        var clock = (AcceleratedClock)streamer.CreateClock(prepared.Start);
        var sink = new LatenessSink(prepared.Start, acceleration);
        clock.Run();
        sink.Begin();
        await streamer.ReplayAsync(prepared, clock, sink, cancellationToken);

        var late = sink.LatenessMs.Order().ToArray();
        double P(double q) => late[Math.Min(late.Length - 1, (int)(q * late.Length))];
        var note = $"{late.Length:N0} emissions by {officers} officers over {realSeconds} s at {acceleration}x";
        context.Report(Name, "lateness p50", P(0.50), "ms", note);
        context.Report(Name, "lateness p99", P(0.99), "ms", "goal <= 2 ms");
        context.Report(Name, "lateness max", late[^1], "ms");
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
