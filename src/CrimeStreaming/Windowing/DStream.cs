using System.Reactive.Concurrency;

namespace CrimeStreaming.Windowing;

/// <summary>
/// A discretised stream (Spark Streaming's DStream): a sequence of <see cref="Batch{T}"/>es, one every
/// <see cref="BatchInterval"/> of the scheduler's clock, cut by time whether or not items arrived.
/// </summary>
/// <typeparam name="T">The item type.</typeparam>
/// <remarks>
/// <para>Create one with <see cref="DStreamExtensions.ToDStream{T}(IObservable{T}, TimeSpan, IScheduler, DateTimeOffset?)"/>.</para>
/// <para>As in Spark, the DStream operators (counts, windows, reductions, state) return DStreams, so results keep being transformed:
/// <c>ReduceByKeyAndWindow(…).Filter(…).Count()</c> is a <c>DStream&lt;long&gt;</c> with one count per slide.
/// Transformations keep the interval; a windowed stream's interval is its slide. A batch's
/// <see cref="Batch{T}.Start"/> and <see cref="Batch{T}.End"/> are the span its items describe: for a windowed stream, the window.</para>
/// </remarks>
public sealed class DStream<T> : IObservable<Batch<T>>
{
    private readonly IObservable<Batch<T>> _batches;

    /// <summary>Wraps a sequence of batches produced every <paramref name="batchInterval"/>.</summary>
    public DStream(IObservable<Batch<T>> batches, TimeSpan batchInterval, IScheduler scheduler)
    {
        ArgumentNullException.ThrowIfNull(batches);
        ArgumentNullException.ThrowIfNull(scheduler);
        if (batchInterval <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(batchInterval), batchInterval, "The batch interval must be positive.");
        }

        _batches = batches;
        BatchInterval = batchInterval;
        Scheduler = scheduler;
    }

    /// <summary>Time between two batches.</summary>
    public TimeSpan BatchInterval { get; }

    /// <summary>The scheduler whose clock cuts the batches.</summary>
    public IScheduler Scheduler { get; }

    /// <inheritdoc/>
    public IDisposable Subscribe(IObserver<Batch<T>> observer) => _batches.Subscribe(observer);

    /// <summary>A stream of other batches with the same interval and scheduler.</summary>
    internal DStream<TResult> With<TResult>(IObservable<Batch<TResult>> batches, TimeSpan? interval = null) =>
        new(batches, interval ?? BatchInterval, Scheduler);
}
