using System.Diagnostics;
using CrimeStreaming.Csv;

namespace CrimeStreaming.Benchmarks.Core;

/// <summary>Where preparation time goes: the reader alone, then each later stage added.</summary>
public sealed class PreprocessBreakdownFigures : IFigureSuite
{
    public string Name => "preprocess-breakdown";

    public Task RunAsync(FigureContext context, CancellationToken cancellationToken)
    {
        var rows = context.Quick ? 20_000 : 1_000_000;
        var path = BenchmarkData.RepeatedSample(rows);
        Measure(context, rows, "reader only (CrimeCsvReader)", () => CrimeCsvReader.ReadFile(path).LongCount());
        Measure(context, rows, "reader + filter + simulate (no partition)", () =>
        {
            var all = new CrimeStreamerOptions { Officers = 1, Seed = 1, AsFastAsPossible = true };
            var streamer = new BasicCrimeStreamer(new CsvCrimeRecordSource(path), all);
            using var p = streamer.Prepare();
            return p.Progress.Input.RowsRead;
        });
        return Task.CompletedTask;
    }

    private static void Measure(FigureContext context, int rows, string what, Func<long> run)
    {
        run();
        var best = 0.0;
        for (var i = 0; i < 3; i++)
        {
            var w = Stopwatch.StartNew();
            run();
            best = Math.Max(best, rows / w.Elapsed.TotalSeconds);
        }

        context.Report("preprocess-breakdown", what, best, "rows/s");
    }
}
