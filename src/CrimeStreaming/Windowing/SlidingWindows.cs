using System.Reactive.Linq;

namespace CrimeStreaming.Windowing;

/// <summary>
/// The engine of the windowed operators: summarises each batch once, adds it to an accumulator, removes the batch
/// that leaves the window, and reports the accumulator every slide. Cost per batch is independent of the window length.
/// </summary>
internal static class SlidingWindows
{
    public static IObservable<Windowed<TResult>> Create<T, TBatch, TResult>(
        DStream<T> source,
        TimeSpan length,
        TimeSpan slide,
        Func<IReadOnlyList<T>, TBatch> summarize,
        Func<IWindowAccumulator<TBatch, TResult>> accumulator)
    {
        var spec = WindowSpec.Create(source.BatchInterval, length, slide);
        return Observable.Defer(() =>
        {
            var acc = accumulator();
            var ring = new Queue<TBatch>(spec.LengthBatches + 1);
            var index = 0L;
            return source
                .Select(batch =>
                {
                    var summary = summarize(batch.Items);
                    acc.Add(summary);
                    ring.Enqueue(summary);
                    if (ring.Count > spec.LengthBatches)
                    {
                        acc.Remove(ring.Dequeue());
                    }

                    index++;
                    return index % spec.SlideBatches == 0 ? new Windowed<TResult>(batch.End - length, batch.End, acc.Result()) : null;
                })
                .Where(w => w is not null)
                .Select(w => w!);
        });
    }
}
