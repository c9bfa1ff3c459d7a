using System.Reactive.Linq;

namespace CrimeStreaming.Windowing;

/// <summary>
/// Spark Streaming's window operations on a <see cref="DStream{T}"/>: every <c>slideInterval</c>, a result over the
/// last <c>windowLength</c> of batches. Both durations must be positive multiples of the stream's batch interval.
/// </summary>
/// <remarks>
/// <para>A window result is reported at the end of every batch whose end is a multiple of the slide from the stream's
/// origin; it covers [end − windowLength, end). At the start of a stream the first windows cover fewer batches, as in Spark.</para>
/// <para>At the end of a stream, Spark would keep sliding: so when the stream completes, every window still to come that
/// holds any of its batches is reported too (ends at the next slides after the last batch, up to but excluding the one
/// whose window starts after it), so the windows the last items slide out of are seen. A window length of L batches and a
/// slide of S batches give up to ⌈(L − 1) / S⌉ such windows; with L = S (tumbling windows) there are none.</para>
/// <para>Window bounds stop at the ends of the calendar instead of overflowing.</para>
/// <para>Counting operators are incremental: each batch is counted once when it enters the window and subtracted when
/// it leaves, so the cost per item does not grow with windowLength / slideInterval. Keys whose count returns to zero are dropped.</para>
/// </remarks>
public static class WindowExtensions
{
    /// <summary>A stream whose batches are the windows: all items of the last <paramref name="windowLength"/>, every <paramref name="slideInterval"/> (Spark's <c>window</c>).</summary>
    /// <exception cref="ArgumentException">A duration is not a multiple of the batch interval.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A duration is zero or negative.</exception>
    public static DStream<T> Window<T>(this DStream<T> source, TimeSpan windowLength, TimeSpan slideInterval)
    {
        ArgumentNullException.ThrowIfNull(source);
        var windows = SlidingWindows.Create(source, windowLength, slideInterval, items => items, () => new ItemsAccumulator<T>());
        return source.With(windows.Select(w => new Batch<T>(w.Start, w.End, w.Value)), slideInterval);
    }

    /// <summary>The number of items in each window (Spark's <c>countByWindow</c>).</summary>
    public static IObservable<Windowed<long>> CountByWindow<T>(this DStream<T> source, TimeSpan windowLength, TimeSpan slideInterval)
    {
        ArgumentNullException.ThrowIfNull(source);
        return SlidingWindows.Create(source, windowLength, slideInterval, items => (long)items.Count, () => new SumAccumulator());
    }

    /// <summary>How often each key occurs in each window, updated incrementally (Spark's <c>countByValueAndWindow</c>).</summary>
    public static IObservable<Windowed<IReadOnlyDictionary<TKey, long>>> CountByValueAndWindow<T, TKey>(
        this DStream<T> source, Func<T, TKey> keySelector, TimeSpan windowLength, TimeSpan slideInterval)
        where TKey : notnull
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(keySelector);
        return SlidingWindows.Create(source, windowLength, slideInterval, items => Counting.CountKeys(items, keySelector), () => new CountsAccumulator<TKey>());
    }

    /// <summary>
    /// Reduces all items of each window (Spark's <c>reduceByWindow</c>); <see cref="Option{T}.None"/> for an empty window.
    /// With <paramref name="inverseReduce"/> the value is updated incrementally (add the entering batch, remove the
    /// leaving one); without it, each window is reduced from its batches' partial results.
    /// </summary>
    public static IObservable<Windowed<Option<T>>> ReduceByWindow<T>(
        this DStream<T> source, Func<T, T, T> reduce, Func<T, T, T>? inverseReduce, TimeSpan windowLength, TimeSpan slideInterval)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(reduce);
        return SlidingWindows.Create(
            source,
            windowLength,
            slideInterval,
            items => ReduceAccumulator<T>.Summarize(items, reduce),
            () => new ReduceAccumulator<T>(reduce, inverseReduce));
    }

    /// <summary>
    /// Reduces the values of each key over each window (Spark's <c>reduceByKeyAndWindow</c>). With
    /// <paramref name="inverseReduce"/> the values are updated incrementally; a key is dropped when no item of it is
    /// left in the window, or when <paramref name="keep"/> says so.
    /// </summary>
    /// <param name="source">The stream.</param>
    /// <param name="keySelector">The key of an item.</param>
    /// <param name="valueSelector">The value of an item.</param>
    /// <param name="reduce">Combines two values (associative and commutative).</param>
    /// <param name="inverseReduce">Removes a value from a combined one, or <see langword="null"/> to recompute each window from per-batch results.</param>
    /// <param name="windowLength">The window length.</param>
    /// <param name="slideInterval">The slide interval.</param>
    /// <param name="keep">Optional filter of the keys reported (Spark's <c>filterFunc</c>); the default keeps every key with items in the window.</param>
    public static IObservable<Windowed<IReadOnlyDictionary<TKey, TValue>>> ReduceByKeyAndWindow<T, TKey, TValue>(
        this DStream<T> source,
        Func<T, TKey> keySelector,
        Func<T, TValue> valueSelector,
        Func<TValue, TValue, TValue> reduce,
        Func<TValue, TValue, TValue>? inverseReduce,
        TimeSpan windowLength,
        TimeSpan slideInterval,
        Func<TKey, TValue, bool>? keep = null)
        where TKey : notnull
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(keySelector);
        ArgumentNullException.ThrowIfNull(valueSelector);
        ArgumentNullException.ThrowIfNull(reduce);
        return SlidingWindows.Create(
            source,
            windowLength,
            slideInterval,
            items => KeyedReduceAccumulator<TKey, TValue>.Summarize(items, keySelector, valueSelector, reduce),
            () => new KeyedReduceAccumulator<TKey, TValue>(reduce, inverseReduce, keep));
    }
}
