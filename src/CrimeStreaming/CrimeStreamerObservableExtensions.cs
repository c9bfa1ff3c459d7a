using System.Reactive.Linq;

namespace CrimeStreaming;

/// <summary>Rx entry points of a <see cref="CrimeStreamer"/>.</summary>
public static class CrimeStreamerObservableExtensions
{
    /// <summary>
    /// A cold observable of the streamer's reports: each subscription runs the whole pipeline (on the clock the options
    /// ask for), and disposing the subscription stops the run.
    /// </summary>
    /// <remarks>
    /// Reports arrive serialised even when officers emit concurrently. The sequence completes when the replay ends and
    /// fails if the replay fails. To share one run between several analyses, or to give time-based operators the
    /// replay's own clock, use <see cref="CrimeStreamer.PrepareAsync"/>, <see cref="CrimeStreamer.CreateClock"/> and
    /// <see cref="CrimeStreamer.ReplayAsync"/> with an <see cref="ObservableCrimeSink"/> instead.
    /// </remarks>
    public static IObservable<CrimeReport> ToObservable(this CrimeStreamer streamer)
    {
        ArgumentNullException.ThrowIfNull(streamer);
        return Observable.Create<CrimeReport>(async (observer, cancellationToken) =>
        {
            using var sink = new ObservableCrimeSink();
            using var forward = sink.Subscribe(observer);
            await streamer.RunAsync(sink, cancellationToken).ConfigureAwait(false);
        });
    }
}
