using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;

namespace CrimeStreaming.Aggregation;

/// <summary>An aggregate run per key (see <see cref="WindowAggregate.ByKey"/>).</summary>
internal sealed class KeyedAggregate<TInput, TKey, TAccumulator, TResult>(
    Func<TInput, TKey?> keySelector,
    IWindowAggregate<TInput, TAccumulator, TResult> inner,
    IComparer<TKey>? comparer)
    : IWindowAggregate<TInput, Dictionary<TKey, TAccumulator>, IReadOnlyList<KeyValuePair<TKey, TResult>>>
    where TKey : notnull
{
    private readonly IComparer<TKey> _comparer = comparer ?? (typeof(TKey) == typeof(string) ? (IComparer<TKey>)StringComparer.Ordinal : Comparer<TKey>.Default);

    public Dictionary<TKey, TAccumulator> CreateAccumulator() => [];

    public Dictionary<TKey, TAccumulator> Add(Dictionary<TKey, TAccumulator> accumulator, TInput item)
    {
        var key = keySelector(item);
        if (key is not null)
        {
            ref var slot = ref CollectionsMarshal.GetValueRefOrAddDefault(accumulator, key, out var exists);
            slot = inner.Add(exists ? slot! : inner.CreateAccumulator(), item);
        }

        return accumulator;
    }

    public Dictionary<TKey, TAccumulator> Merge(Dictionary<TKey, TAccumulator> accumulator, Dictionary<TKey, TAccumulator> other)
    {
        foreach (var (key, value) in other)
        {
            ref var slot = ref CollectionsMarshal.GetValueRefOrAddDefault(accumulator, key, out var exists);
            slot = inner.Merge(exists ? slot! : inner.CreateAccumulator(), value); // never the other's own object: it must not change
        }

        return accumulator;
    }

    public IReadOnlyList<KeyValuePair<TKey, TResult>> GetResult(Dictionary<TKey, TAccumulator> accumulator)
    {
        var keys = accumulator.Keys.ToArray();
        Array.Sort(keys, _comparer);
        return Array.ConvertAll(keys, k => new KeyValuePair<TKey, TResult>(k, inner.GetResult(accumulator[k])));
    }

    /// <summary>An array of [key, accumulator] pairs in key order, so equal accumulators write equal bytes.</summary>
    public void Write(Utf8JsonWriter writer, Dictionary<TKey, TAccumulator> accumulator)
    {
        var keys = accumulator.Keys.ToArray();
        Array.Sort(keys, _comparer);
        writer.WriteStartArray();
        foreach (var key in keys)
        {
            writer.WriteStartArray();
            JsonSerializer.Serialize(writer, key);
            inner.Write(writer, accumulator[key]);
            writer.WriteEndArray();
        }

        writer.WriteEndArray();
    }

    public Dictionary<TKey, TAccumulator> Read(JsonElement json)
    {
        var result = new Dictionary<TKey, TAccumulator>();
        foreach (var pair in json.EnumerateArray())
        {
            if (pair.GetArrayLength() != 2)
            {
                throw new FormatException("a keyed accumulator is a list of [key, accumulator] pairs");
            }

            var key = pair[0].Deserialize<TKey>() ?? throw new FormatException("a key is null");
            if (!result.TryAdd(key, inner.Read(pair[1])))
            {
                throw new FormatException($"the key {key} is repeated");
            }
        }

        return result;
    }

    public string Format(IReadOnlyList<KeyValuePair<TKey, TResult>> result)
    {
        var text = new StringBuilder();
        foreach (var (key, value) in result)
        {
            text.Append(text.Length == 0 ? "" : ";").Append(JsonSerializer.Serialize(key)).Append('=').Append(inner.Format(value));
        }

        return text.ToString();
    }
}
