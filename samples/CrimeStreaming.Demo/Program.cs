using System.Globalization;
using CrimeStreaming;
using CrimeStreaming.Csv;

// Replays the bundled real LAPD 2020 sample as if officers were reporting the crimes now, printing each report.
var file = Arg("--file") ?? Path.Combine(AppContext.BaseDirectory, "data", "la-crime-2020-present-sample.csv");
var options = new CrimeStreamerOptions
{
    // One real second = four simulated days: the year of the sample replays in about 90 seconds.
    Acceleration = double.Parse(Arg("--acceleration") ?? "345600", CultureInfo.InvariantCulture),
    Officers = int.Parse(Arg("--officers") ?? "4", CultureInfo.InvariantCulture),
    Seed = Arg("--seed") is { } seed ? int.Parse(seed, CultureInfo.InvariantCulture) : null,
    SimulationStart = Arg("--start") is { } start ? TimeZones.ToOffset(DateTime.Parse(start, CultureInfo.InvariantCulture), TimeZones.LosAngeles) : null,
    AsFastAsPossible = args.Contains("--as-fast-as-possible"),
};

using var stop = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    stop.Cancel();
};

var streamer = new BasicCrimeStreamer(new CsvCrimeRecordSource(file), options);
using var prepared = await streamer.PrepareAsync(stop.Token);
Console.WriteLine($"Replaying {prepared.Count:N0} reports of {file} with {options.Officers} officers, seed {prepared.Progress.Seed}, from {prepared.Start:yyyy-MM-dd HH:mm zzz}");
var clock = streamer.CreateClock(prepared.Start);
using var ticker = options.AsFastAsPossible
    ? null
    : new Timer(_ => Console.WriteLine($"-- simulated time {clock.Now:yyyy-MM-dd HH:mm}, {prepared.Progress.Emitted:N0}/{prepared.Count:N0} reported"), null, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1));
var summary = await streamer.ReplayAsync(prepared, clock, new TextWriterCrimeSink(Console.Out), stop.Token);
Console.WriteLine();
Console.WriteLine(summary);
return 0;

string? Arg(string name)
{
    var i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
}
