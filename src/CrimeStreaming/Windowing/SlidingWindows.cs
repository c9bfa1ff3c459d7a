using System.Reactive.Linq;

namespace CrimeStreaming.Windowing;

/// <summary>
/// The engine of the windowed operators: summarises each batch once, adds it to an accumulator, removes the batch
/// that leaves the window, and reports the accumulator every slide. Cost per batch is independent of the window length.
/// </summary>
/// <remarks>
/// When the stream completes, the windows still to come that hold any of its batches are reported too (as Spark
/// keeps sliding after the last batch), so the last batches' items are seen leaving the window. Nothing is added for
/// those batch times: an empty batch is the accumulators' neutral element, so only the leaving batches are removed.
/// Window bounds stop at the ends of the calendar instead of overflowing.
/// </remarks>
internal static class SlidingWindows
{
    /// <summary>The windows as a stream: one batch per slide, bounded by its window, holding the accumulator's result.</summary>
    public static DStream<TItem> CreateStream<T, TBatch, TItem>(
        DStream<T> source,
        TimeSpan length,
        TimeSpan slide,
        Func<IReadOnlyList<T>, TBatch> summarize,
        Func<IWindowAccumulator<TBatch, IReadOnlyList<TItem>>> accumulator) =>
        source.With(Create(source, length, slide, summarize, accumulator).Select(w => new Batch<TItem>(w.Start, w.End, w.Value)), slide);

    public static IObservable<Windowed<TResult>> Create<T, TBatch, TResult>(
        DStream<T> source,
        TimeSpan length,
        TimeSpan slide,
        Func<IReadOnlyList<T>, TBatch> summarize,
        Func<IWindowAccumulator<TBatch, TResult>> accumulator)
    {
        var spec = WindowSpec.Create(source.BatchInterval, length, slide);
        var interval = source.BatchInterval;
        return Observable.Create<Windowed<TResult>>(observer =>
        {
            var acc = accumulator();
            var ring = new Queue<TBatch>(Math.Min(spec.LengthBatches + 1, 4096));
            var index = 0L; // batches seen
            var lastEnd = DateTimeOffset.MinValue;
            var stopped = false;

            Windowed<TResult> Window(DateTimeOffset end) => new(SaturatingTime.Add(end, -length), end, acc.Result());

            return source.Subscribe(
                batch =>
                {
                    if (stopped)
                    {
                        return;
                    }

                    Windowed<TResult>? window = null;
                    try
                    {
                        var summary = summarize(batch.Items);
                        acc.Add(summary);
                        ring.Enqueue(summary);
                        if (ring.Count > spec.LengthBatches)
                        {
                            acc.Remove(ring.Dequeue());
                        }

                        index++;
                        lastEnd = batch.End;
                        if (index % spec.SlideBatches == 0)
                        {
                            window = Window(batch.End);
                        }
                    }
                    catch (Exception e)
                    {
                        // A failing selector or accumulator ends the stream, as in Rx's own operators.
                        stopped = true;
                        observer.OnError(e);
                        return;
                    }

                    if (window is not null)
                    {
                        observer.OnNext(window);
                    }
                },
                error =>
                {
                    if (!stopped)
                    {
                        stopped = true;
                        observer.OnError(error);
                    }
                },
                () =>
                {
                    if (stopped)
                    {
                        return;
                    }

                    stopped = true;

                    // The windows ending at batch m (a multiple of the slide) with n < m < n + length still hold some of the n batches.
                    var n = index;
                    for (var m = ((n / spec.SlideBatches) + 1) * spec.SlideBatches; n > 0 && m < n + spec.LengthBatches; m += spec.SlideBatches)
                    {
                        Windowed<TResult> window;
                        try
                        {
                            while (ring.Count > 0 && n - ring.Count + 1 <= m - spec.LengthBatches)
                            {
                                acc.Remove(ring.Dequeue());
                            }

                            window = Window(SaturatingTime.Add(lastEnd, TimeSpan.FromTicks(SaturatingTime.MultiplyTicks(m - n, interval.Ticks))));
                        }
                        catch (Exception e)
                        {
                            observer.OnError(e);
                            return;
                        }

                        observer.OnNext(window);
                    }

                    observer.OnCompleted();
                });
        });
    }
}
