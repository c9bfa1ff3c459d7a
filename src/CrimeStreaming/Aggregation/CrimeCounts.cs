using System.Runtime.InteropServices;
using CrimeStreaming.Windowing;

namespace CrimeStreaming.Aggregation;

/// <summary>
/// The additive aggregate behind the original analyses: total, near the place of interest, and counts per crime type and
/// per area. Two counts of disjoint reports add up to the count of their union, so partial counts computed per Kafka
/// partition (or per pane of time) merge into exact global windows, top-5 lists included.
/// </summary>
public sealed class CrimeCounts : IEquatable<CrimeCounts>
{
    private readonly Dictionary<string, long> _types = new(StringComparer.Ordinal);
    private readonly Dictionary<string, long> _areas = new(StringComparer.Ordinal);

    /// <summary>Number of reports counted.</summary>
    public long Total { get; private set; }

    /// <summary>Number of those near the place of interest.</summary>
    public long Near { get; private set; }

    /// <summary>Reports per crime description (<see cref="CrimeAnalyses.NoDescription"/> for none).</summary>
    public IReadOnlyDictionary<string, long> Types => _types;

    /// <summary>Reports per area name.</summary>
    public IReadOnlyDictionary<string, long> Areas => _areas;

    /// <summary>Counts one report.</summary>
    public void Add(CrimeRecord record, bool near)
    {
        ArgumentNullException.ThrowIfNull(record);
        Total++;
        if (near)
        {
            Near++;
        }

        CollectionsMarshal.GetValueRefOrAddDefault(_types, record.CrimeDescription ?? CrimeAnalyses.NoDescription, out _)++;
        CollectionsMarshal.GetValueRefOrAddDefault(_areas, record.AreaName, out _)++;
    }

    /// <summary>Adds another count (of other reports) to this one.</summary>
    public void Add(CrimeCounts other)
    {
        ArgumentNullException.ThrowIfNull(other);
        Total += other.Total;
        Near += other.Near;
        foreach (var (key, count) in other._types)
        {
            CollectionsMarshal.GetValueRefOrAddDefault(_types, key, out _) += count;
        }

        foreach (var (key, count) in other._areas)
        {
            CollectionsMarshal.GetValueRefOrAddDefault(_areas, key, out _) += count;
        }
    }

    /// <summary>Rebuilds a count from its parts (e.g. read back from a results topic).</summary>
    /// <exception cref="ArgumentException">A count is negative, or the per-type or per-area counts do not add up to <paramref name="total"/>.</exception>
    public static CrimeCounts FromParts(long total, long near, IEnumerable<KeyValuePair<string, long>> types, IEnumerable<KeyValuePair<string, long>> areas)
    {
        ArgumentNullException.ThrowIfNull(types);
        ArgumentNullException.ThrowIfNull(areas);
        if (total < 0 || near < 0 || near > total)
        {
            throw new ArgumentException($"Counts must satisfy 0 <= near ({near}) <= total ({total}).");
        }

        var counts = new CrimeCounts { Total = total, Near = near };
        Fill(counts._types, types, total, nameof(types));
        Fill(counts._areas, areas, total, nameof(areas));
        return counts;
    }

    /// <summary>The original study's four figures: total, near, top crime types and top areas (ties by name).</summary>
    public CrimeSnapshot ToSnapshot(DateTimeOffset start, DateTimeOffset end, int top = 5)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(top, 1);
        return ToFigures(top).ToSnapshot(start, end);
    }

    /// <summary>The four figures, the rankings cut at <paramref name="top"/>.</summary>
    internal CrimeFigures ToFigures(int top) => new(Total, Near, Counting.Top(_types, top), Counting.Top(_areas, top));

    /// <inheritdoc/>
    public bool Equals(CrimeCounts? other) =>
        other is not null && Total == other.Total && Near == other.Near && SameCounts(_types, other._types) && SameCounts(_areas, other._areas);

    /// <inheritdoc/>
    public override bool Equals(object? obj) => Equals(obj as CrimeCounts);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(Total, Near, _types.Count, _areas.Count);

    private static bool SameCounts(Dictionary<string, long> a, Dictionary<string, long> b)
    {
        if (a.Count != b.Count)
        {
            return false;
        }

        foreach (var (key, count) in a)
        {
            if (!b.TryGetValue(key, out var other) || other != count)
            {
                return false;
            }
        }

        return true;
    }

    private static void Fill(Dictionary<string, long> target, IEnumerable<KeyValuePair<string, long>> source, long total, string name)
    {
        long sum = 0;
        foreach (var (key, count) in source)
        {
            if (key is null || count <= 0 || !target.TryAdd(key, count))
            {
                throw new ArgumentException($"{name}: each key must be distinct and count at least 1.", name);
            }

            sum += count;
        }

        if (sum != total)
        {
            throw new ArgumentException($"{name}: counts add up to {sum}, not the total {total}.", name);
        }
    }
}
