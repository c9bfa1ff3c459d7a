using System.Globalization;
using System.Reactive.Linq;
using CrimeStreaming;
using CrimeStreaming.Csv;
using CrimeStreaming.Windowing;

// Without Kafka: streamer -> Rx DStream on the simulated clock -> the original Spark analyses, printed.
// Replays as fast as possible on virtual time (deterministic); pass --realtime to watch it at 345,600x.
var file = Path.Combine(AppContext.BaseDirectory, "data", "la-crime-2020-present-sample.csv");
var options = new CrimeStreamerOptions { Seed = 42, Officers = 4, AsFastAsPossible = !args.Contains("--realtime"), Acceleration = 345_600 };
var streamer = new BasicCrimeStreamer(new CsvCrimeRecordSource(file), options);
using var prepared = await streamer.PrepareAsync();
var clock = streamer.CreateClock(prepared.Start);

// Spark: ssc = StreamingContext(sc, batchDuration) — here one simulated hour per batch, cut on the simulation clock.
using var reports = new ObservableCrimeSink();
var stream = reports.ToDStream(TimeSpan.FromHours(1), clock.Scheduler);
using var perBatch = stream.PerBatch().Where(s => s.Total > 0).Subscribe(s =>
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{s.End:yyyy-MM-dd HH:mm} batch: {s.Total} crimes, {s.Near} near USC, top type {s.TopCrimeTypes[0].Key}")));
using var sixHours = stream.OverLastHours(6).Where(s => s.End.Hour == 0).Subscribe(s =>
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  last 6 h at {s.End:MM-dd HH:mm}: {s.Total} crimes; top areas {string.Join(", ", s.TopAreas.Select(a => $"{a.Key} {a.Count}"))}")));
var totals = new Dictionary<string, long>();
using var running = stream.RunningTotalsByType().Subscribe(t => totals = t.Items.ToDictionary(p => p.Key, p => p.Count));

var summary = await streamer.ReplayAsync(prepared, clock, reports);
Console.WriteLine();
Console.WriteLine("Running totals per crime type (Structured Streaming, complete mode):");
foreach (var (type, count) in totals.OrderByDescending(p => p.Value).Take(10))
{
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {count,5}  {type}"));
}

Console.WriteLine();
Console.Write(summary);
