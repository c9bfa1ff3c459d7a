using System.Reactive.Linq;

namespace CrimeStreaming.Windowing;

/// <summary>Stateful operations across batches.</summary>
public static partial class DStreamExtensions
{
    /// <summary>
    /// Keeps a state per key across batches (Spark's <c>updateStateByKey</c>): after each batch, <paramref name="update"/>
    /// is called for every key that has new items or a state, with the key's new items (possibly none) and its state;
    /// returning <see cref="Option{T}.None"/> removes the key. Each batch of the result is the whole state after a
    /// batch of the source: one (key, state) pair per key.
    /// </summary>
    /// <remarks>
    /// <para>Keys are visited, and pairs listed, in the order of the key comparer (ordinal for strings), so updates with
    /// side effects are deterministic. With no state left, the batch is empty.</para>
    /// <para>A result batch spans what its state summarises: from the start of the source's first batch to the end of the
    /// batch just applied.</para>
    /// </remarks>
    public static DStream<KeyValuePair<TKey, TState>> UpdateStateByKey<T, TKey, TState>(
        this DStream<T> source, Func<T, TKey> keySelector, Func<TKey, IReadOnlyList<T>, Option<TState>, Option<TState>> update)
        where TKey : notnull
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(keySelector);
        ArgumentNullException.ThrowIfNull(update);
        return source.With(Observable.Defer(() =>
        {
            var state = new SortedDictionary<TKey, TState>(Counting.KeyComparer<TKey>());
            DateTimeOffset? origin = null;
            return source.Select(batch =>
            {
                origin ??= batch.Start;
                var groups = new Dictionary<TKey, List<T>>();
                foreach (var item in batch.Items)
                {
                    var key = keySelector(item);
                    if (!groups.TryGetValue(key, out var list))
                    {
                        groups[key] = list = [];
                    }

                    list.Add(item);
                }

                var keys = new SortedSet<TKey>(state.Keys, Counting.KeyComparer<TKey>());
                keys.UnionWith(groups.Keys);
                foreach (var key in keys)
                {
                    IReadOnlyList<T> values = groups.TryGetValue(key, out var list) ? list : [];
                    var next = update(key, values, state.TryGetValue(key, out var current) ? Option<TState>.Some(current) : Option<TState>.None);
                    if (next.HasValue)
                    {
                        state[key] = next.Value;
                    }
                    else
                    {
                        state.Remove(key);
                    }
                }

                return new Batch<KeyValuePair<TKey, TState>>(origin.Value, batch.End, state.ToArray());
            });
        }));
    }

    /// <summary>
    /// Running totals per key since the stream began, reported after every batch: Spark Structured Streaming's
    /// <c>groupBy(key).count()</c> in complete output mode: one (key, count) pair per key seen so far.
    /// </summary>
    /// <remarks>
    /// <para>Until the first item, batches are empty; after it, every key seen stays (its count never drops). Pairs come
    /// in no particular order: use <see cref="TopK{TKey}"/> for a ranking.</para>
    /// <para>A result batch spans what its counts summarise: from the start of the source's first batch to the end of the
    /// batch just counted.</para>
    /// </remarks>
    public static DStream<KeyCount<TKey>> RunningCount<T, TKey>(this DStream<T> source, Func<T, TKey> keySelector)
        where TKey : notnull
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(keySelector);
        return source.With(Observable.Defer(() =>
        {
            var totals = new Dictionary<TKey, long>();
            DateTimeOffset? origin = null;
            return source.Select(batch =>
            {
                origin ??= batch.Start;
                foreach (var item in batch.Items)
                {
                    var key = keySelector(item);
                    totals[key] = totals.GetValueOrDefault(key) + 1;
                }

                return new Batch<KeyCount<TKey>>(origin.Value, batch.End, Counting.ToKeyCounts(totals));
            });
        }));
    }

    /// <summary>
    /// Prints the first <paramref name="count"/> items of every batch with its time, like Spark's <c>pprint</c>, and
    /// passes the batches on. Nothing is printed until the result is subscribed to.
    /// </summary>
    public static DStream<T> Print<T>(this DStream<T> source, TextWriter writer, int count = 10, Func<T, string>? format = null)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        format ??= item => item?.ToString() ?? string.Empty;
        return source.With(source.Do(batch =>
        {
            writer.WriteLine("-------------------------------------------");
            writer.WriteLine(System.FormattableString.Invariant($"Time: {batch.End:yyyy-MM-dd HH:mm:ss zzz}"));
            writer.WriteLine("-------------------------------------------");
            foreach (var item in batch.Items.Take(count))
            {
                writer.WriteLine(format(item));
            }

            if (batch.Items.Count > count)
            {
                writer.WriteLine("...");
            }

            writer.WriteLine();
        }));
    }
}
