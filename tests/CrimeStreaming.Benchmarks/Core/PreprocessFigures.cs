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

    public Task RunAsync(FigureContext context, CancellationToken cancellationToken)
    {
        var rows = context.Quick ? 20_000 : 1_000_000;
        var path = BenchmarkData.RepeatedSample(rows);
        var repetitions = context.Quick ? 1 : 3;

        // Warm up both paths once, then alternate them so drift in machine load hits both alike.
        RawParse(path);
        Prepare(path);
        double raw = 0, ours = 0;
        for (var i = 0; i < repetitions; i++)
        {
            raw = Math.Max(raw, Rate(rows, () => RawParse(path)));
            ours = Math.Max(ours, Rate(rows, () => Prepare(path)));
        }

        context.Report(Name, "raw CsvHelper parse (every field as string)", raw, "rows/s", $"{rows:N0} rows, best of {repetitions}");
        context.Report(Name, "BasicCrimeStreamer.Prepare", ours, "rows/s", "parse + filter + simulate + partition + sort; goal >= 500k rows/s");
        context.Report(Name, "prepare / raw parse", ours / raw, "ratio", "goal >= 0.5");
        return Task.CompletedTask;
    }

    private static double Rate(int rows, Func<long> run)
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

    private static long RawParse(string path)
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

    private static long Prepare(string path)
    {
        var streamer = new BasicCrimeStreamer(new CsvCrimeRecordSource(path), new CrimeStreamerOptions { Seed = 1, Officers = 8, AsFastAsPossible = true });
        using var prepared = streamer.Prepare();
        return prepared.Progress.Input.RowsRead;
    }
}
