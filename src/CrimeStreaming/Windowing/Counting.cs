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

    /// <summary>The counts as a batch's items (a snapshot: later changes to <paramref name="counts"/> do not show).</summary>
    public static KeyCount<TKey>[] ToKeyCounts<TKey>(IReadOnlyDictionary<TKey, long> counts)
        where TKey : notnull
    {
        var result = new KeyCount<TKey>[counts.Count];
        var i = 0;
        foreach (var (key, count) in counts)
        {
            result[i++] = new KeyCount<TKey>(key, count);
        }

        return result;
    }

    public static IReadOnlyList<KeyCount<TKey>> Top<TKey>(IReadOnlyDictionary<TKey, long> counts, int k)
        where TKey : notnull =>
        Top(ToKeyCounts(counts), k);

    /// <summary>The <paramref name="k"/> greatest counts, most frequent first, ties by key; sorts <paramref name="all"/> in place.</summary>
    public static IReadOnlyList<KeyCount<TKey>> Top<TKey>(KeyCount<TKey>[] all, int k)
    {
        var comparer = KeyComparer<TKey>();
        Array.Sort(all, (a, b) => a.Count != b.Count ? b.Count.CompareTo(a.Count) : comparer.Compare(a.Key, b.Key));
        return all.Length <= k ? all : all[..k];
    }

    public static IComparer<TKey> KeyComparer<TKey>() =>
        typeof(TKey) == typeof(string) ? (IComparer<TKey>)StringComparer.Ordinal : Comparer<TKey>.Default;
}
