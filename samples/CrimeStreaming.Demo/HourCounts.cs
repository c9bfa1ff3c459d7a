using CrimeStreaming.Windowing;

namespace CrimeStreaming.Demo;

/// <summary>The four figures of some reports, additive: hours are counted once and summed into the windows shown.</summary>
internal sealed class HourCounts(Func<CrimeRecord, bool> isNear)
{
    private readonly Dictionary<string, long> _types = new(StringComparer.Ordinal);
    private readonly Dictionary<string, long> _areas = new(StringComparer.Ordinal);
    private long _total;
    private long _near;

    public void Add(CrimeReport report)
    {
        _total++;
        if (isNear(report.Record))
        {
            _near++;
        }

        Increment(_types, report.Record.CrimeDescription ?? "(none)", 1);
        Increment(_areas, report.Record.AreaName, 1);
    }

    public void Merge(HourCounts other)
    {
        _total += other._total;
        _near += other._near;
        foreach (var (key, count) in other._types)
        {
            Increment(_types, key, count);
        }

        foreach (var (key, count) in other._areas)
        {
            Increment(_areas, key, count);
        }
    }

    /// <summary>The snapshot, rankings ordered by count and then by name, as the library's windows rank them.</summary>
    public CrimeSnapshot Build(DateTimeOffset start, DateTimeOffset end, int top) =>
        new(start, end, _total, _near, Rank(_types, top), Rank(_areas, top));

    private static KeyCount<string>[] Rank(Dictionary<string, long> counts, int top) =>
        counts.OrderByDescending(p => p.Value).ThenBy(p => p.Key, StringComparer.Ordinal).Take(top).Select(p => new KeyCount<string>(p.Key, p.Value)).ToArray();

    private static void Increment(Dictionary<string, long> counts, string key, long by) =>
        counts[key] = counts.GetValueOrDefault(key) + by;
}
