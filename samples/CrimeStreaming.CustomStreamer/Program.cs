using System.Globalization;
using CrimeStreaming;
using CrimeStreaming.Csv;
using CrimeStreaming.CustomStreamer;
using CrimeStreaming.Storage;

// Extending CrimeStreamer: 21 beat officers, one per LAPD area, instead of a random deal. The rule is the subclass's;
// the storage is a strategy it is given, so the same streamer runs in memory and disk-backed.
var file = Path.Combine(AppContext.BaseDirectory, "data", "la-crime-2020-present-sample.csv");
var options = new CrimeStreamerOptions { Officers = 21, Seed = 7, AsFastAsPossible = true };
var inMemory = new BeatCrimeStreamer(new CsvCrimeRecordSource(file), options);
var diskBacked = new BeatCrimeStreamer(new CsvCrimeRecordSource(file), options, new DiskBackedReportStorage(new DiskBackedOptions { MemoryBudgetBytes = 64 * 1024 }));

using var prepared = inMemory.Prepare();
foreach (var officer in prepared.Officers.Where(o => o.Count > 0))
{
    var first = officer.Reports.First();
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"officer {officer.OfficerId,2}: {officer.Count,4} reports, all in {first.Record.AreaName}"));
}

var lines = new StringWriter();
var summary = await inMemory.ReplayAsync(prepared, inMemory.CreateClock(prepared.Start), new TextWriterCrimeSink(lines));
var spilled = new StringWriter();
await diskBacked.RunAsync(new TextWriterCrimeSink(spilled));
var storage = (DiskBackedReportStorage)diskBacked.Storage;
Console.WriteLine();
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"disk-backed: {storage.LastSpill!.Runs} runs spilled, same replay as in memory: {(lines.ToString() == spilled.ToString() ? "yes" : "NO")}"));
Console.WriteLine();
Console.Write(summary);
