using System.Reactive.Linq;
using CrimeStreaming.Windowing;

namespace CrimeStreaming.Aggregation;

/// <summary>Runs an <see cref="IWindowAggregate{TInput, TAccumulator, TResult}"/> over the library's windows.</summary>
/// <remarks>The same aggregate runs across an analysis group too: see <c>WindowedAnalysis</c> in <see cref="ScaleOut"/>.</remarks>
public static class WindowAggregateExtensions
{
    /// <summary>
    /// The aggregate over the last <paramref name="windowLength"/> of batches, every <paramref name="slide"/> (Spark's
    /// <c>window(length, slide)</c> followed by the aggregate). Each batch is aggregated once into its own accumulator; a
    /// window merges the accumulators of its batches.
    /// </summary>
    /// <remarks>As the other DStream windows, windows are reported every slide, empty ones included (the result of an
    /// empty accumulator), and after the stream completes, until its last batch has left the window.</remarks>
    /// <exception cref="ArgumentException">A duration is not a positive multiple of the batch interval.</exception>
    public static IObservable<Windowed<TResult>> AggregateOverWindow<T, TAccumulator, TResult>(
        this DStream<T> source, IWindowAggregate<T, TAccumulator, TResult> aggregate, TimeSpan windowLength, TimeSpan slide)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(aggregate);
        WindowSpec.Create(source.BatchInterval, windowLength, slide);
        return SlidingWindows.Create(
            source,
            windowLength,
            slide,
            batch =>
            {
                var accumulator = aggregate.CreateAccumulator();
                for (var i = 0; i < batch.Count; i++)
                {
                    accumulator = aggregate.Add(accumulator, batch[i]);
                }

                return accumulator;
            },
            () => new MergingAccumulator<T, TAccumulator, TResult>(aggregate));
    }

    /// <summary>
    /// The aggregate over event-time windows (see
    /// <see cref="EventTimeWindowExtensions.EventTimeWindows{T, TAggregate}"/> for the watermark, lateness and emission
    /// semantics): each window is reported once, when the watermark passes its end.
    /// </summary>
    public static IObservable<Windowed<TResult>> AggregateInEventTime<T, TAccumulator, TResult>(
        this IObservable<T> source,
        IWindowAggregate<T, TAccumulator, TResult> aggregate,
        Func<T, DateTimeOffset> eventTime,
        TimeSpan windowLength,
        TimeSpan slide,
        TimeSpan allowedDisorder,
        IObserver<T>? late = null,
        DateTimeOffset? origin = null)
    {
        ArgumentNullException.ThrowIfNull(aggregate);
        return source
            .EventTimeWindows(eventTime, windowLength, slide, allowedDisorder, aggregate.CreateAccumulator, aggregate.Add, late, origin)
            .Select(w => new Windowed<TResult>(w.Start, w.End, aggregate.GetResult(w.Value)));
    }

    /// <summary>Keeps one accumulator per batch in the window and merges them, into a new accumulator, for each result.</summary>
    private sealed class MergingAccumulator<T, TAccumulator, TResult>(IWindowAggregate<T, TAccumulator, TResult> aggregate) : IWindowAccumulator<TAccumulator, TResult>
    {
        private readonly Queue<TAccumulator> _batches = new();

        public void Add(TAccumulator batch) => _batches.Enqueue(batch);

        public void Remove(TAccumulator batch) => _batches.Dequeue();

        public TResult Result()
        {
            var window = aggregate.CreateAccumulator();
            foreach (var batch in _batches)
            {
                window = aggregate.Merge(window, batch);
            }

            return aggregate.GetResult(window);
        }
    }
}
