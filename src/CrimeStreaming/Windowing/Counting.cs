using System.Runtime.InteropServices;

namespace CrimeStreaming.Windowing;

/// <summary>Counting helpers shared by the operators and the analyses.</summary>
internal static class Counting
{
    public static Dictionary<TKey, long> CountKeys<T, TKey>(IReadOnlyList<T> items, Func<T, TKey> keySelector)
        where TKey : notnull
    {
        var counts = new Dictionary<TKey, long>();
        for (var i = 0; i < items.Count; i++)
        {
            // One hash lookup per item: this is the hot path of every counting operator.
            CollectionsMarshal.GetValueRefOrAddDefault(counts, keySelector(items[i]), out _)++;
        }

        return counts;
    }

    public static IReadOnlyList<KeyCount<TKey>> Top<TKey>(IReadOnlyDictionary<TKey, long> counts, int k)
        where TKey : notnull
    {
        var comparer = KeyComparer<TKey>();
        var all = new List<KeyCount<TKey>>(counts.Count);
        foreach (var (key, count) in counts)
        {
            all.Add(new KeyCount<TKey>(key, count));
        }

        all.Sort((a, b) => a.Count != b.Count ? b.Count.CompareTo(a.Count) : comparer.Compare(a.Key, b.Key));
        return all.Count <= k ? all : all.GetRange(0, k);
    }

    public static IComparer<TKey> KeyComparer<TKey>() =>
        typeof(TKey) == typeof(string) ? (IComparer<TKey>)StringComparer.Ordinal : Comparer<TKey>.Default;
}
