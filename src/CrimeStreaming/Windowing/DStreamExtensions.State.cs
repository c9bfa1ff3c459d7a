using System.Reactive.Linq;

namespace CrimeStreaming.Windowing;

/// <summary>Stateful operations across batches.</summary>
public static partial class DStreamExtensions
{
    /// <summary>
    /// Keeps a state per key across batches (Spark's <c>updateStateByKey</c>): after each batch, <paramref name="update"/>
    /// is called for every key that has new items or a state, with the key's new items (possibly none) and its state;
    /// returning <see cref="Option{T}.None"/> removes the key. Each result is the whole state after a batch.
    /// </summary>
    /// <remarks>Keys are visited in the order of the key comparer (ordinal for strings), so updates with side effects are deterministic.</remarks>
    public static IObservable<Windowed<IReadOnlyDictionary<TKey, TState>>> UpdateStateByKey<T, TKey, TState>(
        this DStream<T> source, Func<T, TKey> keySelector, Func<TKey, IReadOnlyList<T>, Option<TState>, Option<TState>> update)
        where TKey : notnull
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(keySelector);
        ArgumentNullException.ThrowIfNull(update);
        return Observable.Defer(() =>
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

                return new Windowed<IReadOnlyDictionary<TKey, TState>>(origin.Value, batch.End, new Dictionary<TKey, TState>(state));
            });
        });
    }

    /// <summary>
    /// Running totals per key since the stream began, reported after every batch: Spark Structured Streaming's
    /// <c>groupBy(key).count()</c> in complete output mode.
    /// </summary>
    public static IObservable<Windowed<IReadOnlyDictionary<TKey, long>>> RunningCount<T, TKey>(this DStream<T> source, Func<T, TKey> keySelector)
        where TKey : notnull
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(keySelector);
        return Observable.Defer(() =>
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

                return new Windowed<IReadOnlyDictionary<TKey, long>>(origin.Value, batch.End, new Dictionary<TKey, long>(totals));
            });
        });
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
