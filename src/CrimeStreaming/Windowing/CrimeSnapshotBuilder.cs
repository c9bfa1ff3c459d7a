namespace CrimeStreaming.Windowing;

/// <summary>Counts reports one at a time: the aggregate of event-time windows, and each batch's summary in sliding windows.</summary>
internal sealed class CrimeSnapshotBuilder(Func<CrimeRecord, bool> isNear)
{
    private readonly Dictionary<string, long> _types = new(StringComparer.Ordinal);
    private readonly Dictionary<string, long> _areas = new(StringComparer.Ordinal);
    private long _total;
    private long _near;

    public CrimeSnapshotBuilder Add(CrimeReport report)
    {
        var r = report.Record;
        var type = r.CrimeDescription ?? CrimeAnalyses.NoDescription;
        _types[type] = _types.GetValueOrDefault(type) + 1;
        _areas[r.AreaName] = _areas.GetValueOrDefault(r.AreaName) + 1;
        _total++;
        if (isNear(r))
        {
            _near++;
        }

        return this;
    }

    public long Total => _total;

    public long Near => _near;

    public Dictionary<string, long> Types => _types;

    public Dictionary<string, long> Areas => _areas;

    public CrimeSnapshot Build(DateTimeOffset start, DateTimeOffset end, int top) =>
        new(start, end, _total, _near, Counting.Top(_types, top), Counting.Top(_areas, top));
}
