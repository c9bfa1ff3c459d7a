namespace CrimeStreaming.Windowing;

/// <summary>Incremental totals, near-count and counts per type and area over a window of batches.</summary>
internal sealed class CrimeSnapshotAccumulator(int top) : IWindowAccumulator<CrimeSnapshotAccumulator.BatchSummary, CrimeSnapshotAccumulator.Counts>
{
    private readonly CountsAccumulator<string> _types = new();
    private readonly CountsAccumulator<string> _areas = new();
    private long _total;
    private long _near;

    public static BatchSummary Summarize(IReadOnlyList<CrimeReport> reports, Func<CrimeRecord, bool> isNear)
    {
        var counts = new CrimeSnapshotBuilder(isNear);
        foreach (var report in reports)
        {
            counts.Add(report);
        }

        return new BatchSummary(counts.Total, counts.Near, counts.Types, counts.Areas);
    }

    public void Add(BatchSummary batch)
    {
        _total += batch.Total;
        _near += batch.Near;
        _types.Add(batch.Types);
        _areas.Add(batch.Areas);
    }

    public void Remove(BatchSummary batch)
    {
        _total -= batch.Total;
        _near -= batch.Near;
        _types.Remove(batch.Types);
        _areas.Remove(batch.Areas);
    }

    public Counts Result() => new(_total, _near, Counting.Top(_types.Counts, top), Counting.Top(_areas.Counts, top));

    internal sealed record BatchSummary(long Total, long Near, Dictionary<string, long> Types, Dictionary<string, long> Areas);

    internal sealed record Counts(long Total, long Near, IReadOnlyList<KeyCount<string>> TopTypes, IReadOnlyList<KeyCount<string>> TopAreas);
}
