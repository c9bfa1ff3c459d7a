using System.Diagnostics;
using System.Globalization;
using CrimeStreaming.Csv;
using CsvHelper;
using CsvHelper.Configuration;

namespace CrimeStreaming.Benchmarks.Core;

/// <summary>Preparation (parse + filter + simulate + partition + sort) against a raw CsvHelper parse of the same file.</summary>
public sealed class PreprocessFigures : IFigureSuite
{
    public string Name => "preprocess";

    public async Task RunAsync(FigureContext context, CancellationToken cancellationToken)
    {
        var rows = context.Quick ? 20_000 : 1_000_000;
        var path = BenchmarkData.RepeatedSample(rows);
        var series = await PairedRuns.RunAsync(
            PairedRuns.Rounds(context, full: 7),
            new PairedSide("raw CsvHelper parse", _ => Task.FromResult(Rate(rows, () => RawParse(path)))),
            new PairedSide("BasicCrimeStreamer.Prepare", _ => Task.FromResult(Rate(rows, () => Prepare(path)))));
        series.ReportRate(context, Name, 0, "raw CsvHelper parse (every field as string, one thread)", "rows/s", $"{rows:N0} rows");
        series.ReportRate(context, Name, 1, "BasicCrimeStreamer.Prepare", "rows/s", "parse + filter + simulate + partition + sort; goal >= 500k rows/s");
        series.ReportRatio(context, Name, 1, 0, "prepare / raw parse", "goal >= 1.0");
    }

    internal static double Rate(int rows, Func<long> run)
    {
        var watch = Stopwatch.StartNew();
        var n = run();
        watch.Stop();
        if (n <= 0)
        {
            throw new InvalidOperationException("nothing was read");
        }

        return rows / watch.Elapsed.TotalSeconds;
    }

    /// <summary>The peer: CsvHelper with its defaults, every field of every row as a string.</summary>
    internal static long RawParse(string path)
    {
        using var reader = new StreamReader(path);
        using var parser = new CsvParser(reader, new CsvConfiguration(CultureInfo.InvariantCulture));
        long chars = 0;
        parser.Read();
        while (parser.Read())
        {
            for (var i = 0; i < parser.Count; i++)
            {
                chars += parser[i]!.Length;
            }
        }

        return chars;
    }

    internal static long Prepare(string path)
    {
        var streamer = new BasicCrimeStreamer(new CsvCrimeRecordSource(path), new CrimeStreamerOptions { Seed = 1, Officers = 8, AsFastAsPossible = true });
        using var prepared = streamer.Prepare();
        return prepared.Progress.Input.RowsRead;
    }
}
