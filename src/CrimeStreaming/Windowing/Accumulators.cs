using System.Runtime.InteropServices;

namespace CrimeStreaming.Windowing;

/// <summary>Concatenates the items of the batches in the window.</summary>
internal sealed class ItemsAccumulator<T> : IWindowAccumulator<IReadOnlyList<T>, IReadOnlyList<T>>
{
    private readonly Queue<IReadOnlyList<T>> _batches = new();

    public void Add(IReadOnlyList<T> batch) => _batches.Enqueue(batch);

    public void Remove(IReadOnlyList<T> batch) => _batches.Dequeue();

    public IReadOnlyList<T> Result() => _batches.SelectMany(b => b).ToArray();
}

/// <summary>A running sum of batch counts; the window's batch holds the sum as its one item.</summary>
internal sealed class SumAccumulator : IWindowAccumulator<long, IReadOnlyList<long>>
{
    private long _sum;

    public void Add(long batch) => _sum += batch;

    public void Remove(long batch) => _sum -= batch;

    public IReadOnlyList<long> Result() => [_sum];
}

/// <summary>Running counts per key: add a batch's counts, subtract the leaving batch's, drop keys at zero.</summary>
internal sealed class CountsAccumulator<TKey> : IWindowAccumulator<Dictionary<TKey, long>, IReadOnlyList<KeyCount<TKey>>>
    where TKey : notnull
{
    private readonly Dictionary<TKey, long> _counts = new();

    /// <summary>The live counts, for callers that rank them without a copy.</summary>
    public IReadOnlyDictionary<TKey, long> Counts => _counts;

    public void Add(Dictionary<TKey, long> batch)
    {
        foreach (var (key, count) in batch)
        {
            CollectionsMarshal.GetValueRefOrAddDefault(_counts, key, out _) += count;
        }
    }

    public void Remove(Dictionary<TKey, long> batch)
    {
        foreach (var (key, count) in batch)
        {
            ref var left = ref CollectionsMarshal.GetValueRefOrNullRef(_counts, key);
            left -= count;
            if (left == 0)
            {
                _counts.Remove(key); // Spark drops keys whose windowed count returns to zero
            }
        }
    }

    public IReadOnlyList<KeyCount<TKey>> Result() => Counting.ToKeyCounts(_counts);
}

/// <summary>Reduces all items of the window, incrementally when an inverse is given; the window's batch holds the value, or nothing when the window is empty.</summary>
internal sealed class ReduceAccumulator<T>(Func<T, T, T> reduce, Func<T, T, T>? inverse) : IWindowAccumulator<(Option<T> Value, long Count), IReadOnlyList<T>>
{
    private readonly Queue<(Option<T> Value, long Count)> _batches = new();
    private Option<T> _value;
    private long _count;

    public static (Option<T> Value, long Count) Summarize(IReadOnlyList<T> items, Func<T, T, T> reduce)
    {
        if (items.Count == 0)
        {
            return (Option<T>.None, 0);
        }

        var value = items[0];
        for (var i = 1; i < items.Count; i++)
        {
            value = reduce(value, items[i]);
        }

        return (Option<T>.Some(value), items.Count);
    }

    public void Add((Option<T> Value, long Count) batch)
    {
        if (inverse is null)
        {
            _batches.Enqueue(batch);
            return;
        }

        if (batch.Count > 0)
        {
            _value = _count == 0 ? batch.Value : Option<T>.Some(reduce(_value.Value, batch.Value.Value));
            _count += batch.Count;
        }
    }

    public void Remove((Option<T> Value, long Count) batch)
    {
        if (inverse is null)
        {
            _batches.Dequeue();
            return;
        }

        if (batch.Count > 0)
        {
            _count -= batch.Count;
            _value = _count == 0 ? Option<T>.None : Option<T>.Some(inverse(_value.Value, batch.Value.Value));
        }
    }

    public IReadOnlyList<T> Result()
    {
        var result = _value;
        if (inverse is null)
        {
            result = Option<T>.None;
            foreach (var (value, count) in _batches)
            {
                if (count > 0)
                {
                    result = result.HasValue ? Option<T>.Some(reduce(result.Value, value.Value)) : value;
                }
            }
        }

        return result.HasValue ? [result.Value] : [];
    }
}

/// <summary>Reduces values per key over the window, incrementally when an inverse is given; keys leave with their last item.</summary>
internal sealed class KeyedReduceAccumulator<TKey, TValue>(Func<TValue, TValue, TValue> reduce, Func<TValue, TValue, TValue>? inverse)
    : IWindowAccumulator<Dictionary<TKey, (TValue Value, long Count)>, IReadOnlyList<KeyValuePair<TKey, TValue>>>
    where TKey : notnull
{
    private readonly Dictionary<TKey, (TValue Value, long Count)> _state = new();
    private readonly Queue<Dictionary<TKey, (TValue Value, long Count)>> _batches = new();

    public static Dictionary<TKey, (TValue Value, long Count)> Summarize<T>(IReadOnlyList<T> items, Func<T, TKey> key, Func<T, TValue> value, Func<TValue, TValue, TValue> reduce)
    {
        var result = new Dictionary<TKey, (TValue Value, long Count)>();
        for (var i = 0; i < items.Count; i++)
        {
            var k = key(items[i]);
            var v = value(items[i]);
            result[k] = result.TryGetValue(k, out var current) ? (reduce(current.Value, v), current.Count + 1) : (v, 1);
        }

        return result;
    }

    public void Add(Dictionary<TKey, (TValue Value, long Count)> batch)
    {
        if (inverse is null)
        {
            _batches.Enqueue(batch);
            return;
        }

        Merge(_state, batch, reduce);
    }

    public void Remove(Dictionary<TKey, (TValue Value, long Count)> batch)
    {
        if (inverse is null)
        {
            _batches.Dequeue();
            return;
        }

        foreach (var (key, (value, count)) in batch)
        {
            var (current, currentCount) = _state[key];
            if (currentCount == count)
            {
                _state.Remove(key);
            }
            else
            {
                _state[key] = (inverse(current, value), currentCount - count);
            }
        }
    }

    public IReadOnlyList<KeyValuePair<TKey, TValue>> Result()
    {
        var state = _state;
        if (inverse is null)
        {
            state = new Dictionary<TKey, (TValue Value, long Count)>();
            foreach (var batch in _batches)
            {
                Merge(state, batch, reduce);
            }
        }

        var result = new KeyValuePair<TKey, TValue>[state.Count];
        var i = 0;
        foreach (var (key, (value, _)) in state)
        {
            result[i++] = new KeyValuePair<TKey, TValue>(key, value);
        }

        return result;
    }

    private static void Merge(Dictionary<TKey, (TValue Value, long Count)> into, Dictionary<TKey, (TValue Value, long Count)> batch, Func<TValue, TValue, TValue> reduce)
    {
        foreach (var (key, (value, count)) in batch)
        {
            into[key] = into.TryGetValue(key, out var current) ? (reduce(current.Value, value), current.Count + count) : (value, count);
        }
    }
}
