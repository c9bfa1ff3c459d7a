namespace CrimeStreaming.Windowing;

/// <summary>
/// Spark Streaming's window operations on a <see cref="DStream{T}"/>: every <c>slideInterval</c>, a result over the
/// last <c>windowLength</c> of batches. Both durations must be positive multiples of the stream's batch interval.
/// </summary>
/// <remarks>
/// <para>Each operator returns a <see cref="DStream{T}"/> whose interval is the slide, with one batch per window, as
/// Spark's windowed DStreams have one RDD per slide: the result keeps being transformed (<c>Filter</c>, <c>Count</c>,
/// <c>TopK</c>, another window…). A window's batch spans the window: <see cref="Batch{T}.End"/> is a multiple of the
/// slide from the stream's origin and <see cref="Batch{T}.Start"/> is End − windowLength, so consecutive batches
/// overlap when the slide is shorter than the window. At the start of a stream the first windows cover fewer batches,
/// as in Spark (their Start still is End − windowLength).</para>
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
    /// <remarks>Items are in arrival order; a window without items is an empty batch.</remarks>
    /// <exception cref="ArgumentException">A duration is not a multiple of the batch interval.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A duration is zero or negative.</exception>
    public static DStream<T> Window<T>(this DStream<T> source, TimeSpan windowLength, TimeSpan slideInterval)
    {
        ArgumentNullException.ThrowIfNull(source);
        return SlidingWindows.CreateStream(source, windowLength, slideInterval, items => items, () => new ItemsAccumulator<T>());
    }

    /// <summary>The number of items in each window (Spark's <c>countByWindow</c>): one count per batch, the batch spanning the window.</summary>
    /// <remarks>Every window's batch holds exactly one count, 0 for a window without items. It equals
    /// <c>Window(windowLength, slideInterval).Count()</c>, computed incrementally.</remarks>
    /// <exception cref="ArgumentException">A duration is not a multiple of the batch interval.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A duration is zero or negative.</exception>
    public static DStream<long> CountByWindow<T>(this DStream<T> source, TimeSpan windowLength, TimeSpan slideInterval)
    {
        ArgumentNullException.ThrowIfNull(source);
        return SlidingWindows.CreateStream(source, windowLength, slideInterval, items => (long)items.Count, () => new SumAccumulator());
    }

    /// <summary>
    /// How often each key occurs in each window, updated incrementally (Spark's <c>countByValueAndWindow</c>): one
    /// (key, count) pair per key with items in the window.
    /// </summary>
    /// <remarks>A window without items is an empty batch; keys whose count returns to zero are dropped, so no count is 0.
    /// Pairs come in no particular order: use <see cref="DStreamExtensions.TopK{TKey}"/> for a ranking.</remarks>
    /// <exception cref="ArgumentException">A duration is not a multiple of the batch interval.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A duration is zero or negative.</exception>
    public static DStream<KeyCount<TKey>> CountByValueAndWindow<T, TKey>(
        this DStream<T> source, Func<T, TKey> keySelector, TimeSpan windowLength, TimeSpan slideInterval)
        where TKey : notnull
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(keySelector);
        return SlidingWindows.CreateStream(source, windowLength, slideInterval, items => Counting.CountKeys(items, keySelector), () => new CountsAccumulator<TKey>());
    }

    /// <summary>
    /// Reduces all items of each window (Spark's <c>reduceByWindow</c>). With <paramref name="inverseReduce"/> the
    /// value is updated incrementally (add the entering batch, remove the leaving one); without it, each window is
    /// reduced from its batches' partial results.
    /// </summary>
    /// <remarks>A window's batch holds the reduced value as its one item, or no item when the window is empty (as Spark's
    /// reduce of an empty RDD gives an empty RDD).</remarks>
    /// <exception cref="ArgumentException">A duration is not a multiple of the batch interval.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A duration is zero or negative.</exception>
    public static DStream<T> ReduceByWindow<T>(
        this DStream<T> source, Func<T, T, T> reduce, Func<T, T, T>? inverseReduce, TimeSpan windowLength, TimeSpan slideInterval)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(reduce);
        return SlidingWindows.CreateStream(
            source,
            windowLength,
            slideInterval,
            items => ReduceAccumulator<T>.Summarize(items, reduce),
            () => new ReduceAccumulator<T>(reduce, inverseReduce));
    }

    /// <summary>
    /// Reduces the values of each key over each window (Spark's <c>reduceByKeyAndWindow</c>): one (key, value) pair per
    /// key with items in the window. With <paramref name="inverseReduce"/> the values are updated incrementally; a key
    /// is dropped when no item of it is left in the window.
    /// </summary>
    /// <param name="source">The stream.</param>
    /// <param name="keySelector">The key of an item.</param>
    /// <param name="valueSelector">The value of an item.</param>
    /// <param name="reduce">Combines two values (associative and commutative).</param>
    /// <param name="inverseReduce">Removes a value from a combined one, or <see langword="null"/> to recompute each window from per-batch results.</param>
    /// <param name="windowLength">The window length.</param>
    /// <param name="slideInterval">The slide interval.</param>
    /// <remarks>
    /// <para>A window without items is an empty batch. Pairs come in no particular order.</para>
    /// <para>Spark's <c>filterFunc</c> is not needed: a key leaves the window's state with its last item (its items are
    /// counted), so filtering only selects what is reported, which <see cref="DStreamExtensions.Filter{T}"/> on the result
    /// does: <c>ReduceByKeyAndWindow(…).Filter(p =&gt; p.Value &gt; 5).Count()</c> counts, per window, the keys above 5.</para>
    /// </remarks>
    /// <exception cref="ArgumentException">A duration is not a multiple of the batch interval.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A duration is zero or negative.</exception>
    public static DStream<KeyValuePair<TKey, TValue>> ReduceByKeyAndWindow<T, TKey, TValue>(
        this DStream<T> source,
        Func<T, TKey> keySelector,
        Func<T, TValue> valueSelector,
        Func<TValue, TValue, TValue> reduce,
        Func<TValue, TValue, TValue>? inverseReduce,
        TimeSpan windowLength,
        TimeSpan slideInterval)
        where TKey : notnull
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(keySelector);
        ArgumentNullException.ThrowIfNull(valueSelector);
        ArgumentNullException.ThrowIfNull(reduce);
        return SlidingWindows.CreateStream(
            source,
            windowLength,
            slideInterval,
            items => KeyedReduceAccumulator<TKey, TValue>.Summarize(items, keySelector, valueSelector, reduce),
            () => new KeyedReduceAccumulator<TKey, TValue>(reduce, inverseReduce));
    }
}
