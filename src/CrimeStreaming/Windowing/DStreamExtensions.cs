using System.Reactive.Concurrency;
using System.Reactive.Linq;

namespace CrimeStreaming.Windowing;

/// <summary>Creates DStreams and transforms them batch by batch (Spark Streaming's <c>map</c>, <c>filter</c>, <c>count</c>…).</summary>
public static partial class DStreamExtensions
{
    /// <summary>
    /// Cuts <paramref name="source"/> into batches every <paramref name="batchInterval"/> of <paramref name="scheduler"/>'s
    /// clock: the batch ending at T holds the items received in [T − interval, T).
    /// </summary>
    /// <param name="source">The items, e.g. crime reports as officers emit them.</param>
    /// <param name="batchInterval">The batch interval, e.g. one simulated hour.</param>
    /// <param name="scheduler">The clock: <see cref="SimulationClock.Scheduler"/> for simulated time.</param>
    /// <param name="origin">The time batches are aligned to. The default is the scheduler's time at subscription.</param>
    /// <remarks>
    /// <para>Batches are cut at <c>origin + k × interval</c> (absolute due times, so no drift), and empty batches are
    /// emitted too. On a <see cref="VirtualClock"/> replay (which advances time before emitting a report), a report whose
    /// time is exactly a boundary belongs to the batch that starts there.</para>
    /// <para>Concurrent producers (officers on an accelerated clock) are serialised. When the source completes, the
    /// pending partial batch is emitted (with its regular end time) before completion; an error is passed on at once.</para>
    /// <para>Batch times stop at <see cref="DateTimeOffset.MaxValue"/> instead of overflowing: a clock driven to the end of
    /// the calendar (a report in year 9999) leaves the remaining items in the final batch, emitted on completion.</para>
    /// </remarks>
    public static DStream<T> ToDStream<T>(this IObservable<T> source, TimeSpan batchInterval, IScheduler scheduler, DateTimeOffset? origin = null)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(scheduler);
        if (batchInterval <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(batchInterval), batchInterval, "The batch interval must be positive.");
        }

        return new DStream<T>(Batcher.Create(source, batchInterval, scheduler, origin), batchInterval, scheduler);
    }

    /// <summary>Applies <paramref name="selector"/> to every item of every batch (Spark's <c>map</c>).</summary>
    public static DStream<TResult> Map<T, TResult>(this DStream<T> source, Func<T, TResult> selector)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(selector);
        return source.With(source.Select(b => new Batch<TResult>(b.Start, b.End, b.Items.Select(selector).ToArray())));
    }

    /// <summary>Keeps the items that satisfy <paramref name="predicate"/> (Spark's <c>filter</c>); batches stay, possibly empty.</summary>
    public static DStream<T> Filter<T>(this DStream<T> source, Func<T, bool> predicate)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(predicate);
        return source.With(source.Select(b => new Batch<T>(b.Start, b.End, b.Items.Where(predicate).ToArray())));
    }

    /// <summary>Replaces each batch's items by <paramref name="transform"/> of them (Spark's <c>transform</c>).</summary>
    public static DStream<TResult> Transform<T, TResult>(this DStream<T> source, Func<IReadOnlyList<T>, IEnumerable<TResult>> transform)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(transform);
        return source.With(source.Select(b => new Batch<TResult>(b.Start, b.End, transform(b.Items).ToArray())));
    }

    /// <summary>The number of items of each batch (Spark's <c>count</c>): a stream of one count per batch.</summary>
    /// <remarks>Every batch gives exactly one count, with the batch's bounds; an empty batch gives 0. On a windowed
    /// stream, that is one count per window.</remarks>
    public static DStream<long> Count<T>(this DStream<T> source)
    {
        ArgumentNullException.ThrowIfNull(source);
        return source.With(source.Select(b => new Batch<long>(b.Start, b.End, [b.Items.Count])));
    }

    /// <summary>
    /// How often each key occurs in each batch (Spark's <c>countByValue</c> after a <c>map</c> to the key): one
    /// (key, count) pair per distinct key of the batch.
    /// </summary>
    /// <remarks>An empty batch gives an empty batch. Pairs come in no particular order: use <see cref="TopK{TKey}"/> for a ranking.</remarks>
    public static DStream<KeyCount<TKey>> CountByValue<T, TKey>(this DStream<T> source, Func<T, TKey> keySelector)
        where TKey : notnull
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(keySelector);
        return source.With(source.Select(b => new Batch<KeyCount<TKey>>(b.Start, b.End, Counting.ToKeyCounts(Counting.CountKeys(b.Items, keySelector)))));
    }

    /// <summary>
    /// The <paramref name="k"/> greatest counts of each batch, most frequent first; equal counts are ordered by key
    /// (ordinal for strings), so results are deterministic. Spark writes it <c>transform(rdd =&gt; rdd.sortBy(…))</c>.
    /// </summary>
    /// <remarks>Use it on the result of <see cref="CountByValue{T, TKey}"/>, <see cref="WindowExtensions.CountByValueAndWindow{T, TKey}"/>
    /// or <see cref="RunningCount{T, TKey}"/>. An empty batch stays empty, a batch of fewer than <paramref name="k"/> pairs
    /// is ranked whole, and pairs are ranked as they are (a key that occurs twice in a batch is not merged).</remarks>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="k"/> is less than 1.</exception>
    public static DStream<KeyCount<TKey>> TopK<TKey>(this DStream<KeyCount<TKey>> source, int k)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentOutOfRangeException.ThrowIfLessThan(k, 1);
        return source.With(source.Select(b => new Batch<KeyCount<TKey>>(b.Start, b.End, Counting.Top(b.Items.ToArray(), k))));
    }
}
