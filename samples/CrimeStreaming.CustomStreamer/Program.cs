using System.Globalization;
using CrimeStreaming;
using CrimeStreaming.Csv;
using CrimeStreaming.CustomStreamer;

// Extending CrimeStreamer: 21 beat officers, one per LAPD area, instead of a random deal.
var file = Path.Combine(AppContext.BaseDirectory, "data", "la-crime-2020-present-sample.csv");
var streamer = new BeatCrimeStreamer(new CsvCrimeRecordSource(file), new CrimeStreamerOptions { Officers = 21, Seed = 7, AsFastAsPossible = true });
using var prepared = streamer.Prepare();
foreach (var officer in prepared.Officers.Where(o => o.Count > 0))
{
    var first = officer.Reports.First();
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"officer {officer.OfficerId,2}: {officer.Count,4} reports, all in {first.Record.AreaName}"));
}

var summary = await streamer.ReplayAsync(prepared, streamer.CreateClock(prepared.Start), new TextWriterCrimeSink(TextWriter.Null));
Console.WriteLine();
Console.Write(summary);
