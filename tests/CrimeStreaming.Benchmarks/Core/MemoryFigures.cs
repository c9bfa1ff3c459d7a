using CrimeStreaming.Csv;

namespace CrimeStreaming.Benchmarks.Core;

/// <summary>Managed memory a prepared <see cref="BasicCrimeStreamer"/> replay retains per scheduled report.</summary>
public sealed class MemoryFigures : IFigureSuite
{
    public string Name => "memory";

    public Task RunAsync(FigureContext context, CancellationToken cancellationToken)
    {
        var rows = context.Quick ? 20_000 : 1_000_000;
        var path = BenchmarkData.RepeatedSample(rows);
        var streamer = new BasicCrimeStreamer(new CsvCrimeRecordSource(path), new CrimeStreamerOptions { Seed = 1, Officers = 8, AsFastAsPossible = true });

        var before = GC.GetTotalMemory(forceFullCollection: true);
        using var prepared = streamer.Prepare();
        var after = GC.GetTotalMemory(forceFullCollection: true);
        var perReport = (after - before) / (double)prepared.Count;
        context.Report(Name, "retained per report (BasicCrimeStreamer)", perReport, "bytes", $"{prepared.Count:N0} reports of {rows:N0} rows (2020 schema); goal <= 300 B");
        GC.KeepAlive(prepared);
        return Task.CompletedTask;
    }
}
