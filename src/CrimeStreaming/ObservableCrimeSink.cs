using System.Reactive.Subjects;

namespace CrimeStreaming;

/// <summary>A sink that is also an <see cref="IObservable{T}"/>: every report written is pushed to the subscribers.</summary>
/// <remarks>
/// <para>Writes from concurrent officers are serialised, so observers see the Rx contract (one call at a time).
/// <see cref="ICrimeReportSink.CompleteAsync"/> completes the observers (or passes them the replay's error).</para>
/// <para>It is hot: subscribe before the replay starts, e.g. to the clock's scheduler-bound analysis pipeline.</para>
/// </remarks>
public sealed class ObservableCrimeSink : ICrimeReportSink, IObservable<CrimeReport>, IDisposable
{
    private readonly Subject<CrimeReport> _subject = new();
    private readonly object _gate = new();

    /// <inheritdoc/>
    public IDisposable Subscribe(IObserver<CrimeReport> observer) => _subject.Subscribe(observer);

    /// <inheritdoc/>
    public ValueTask WriteAsync(CrimeReport report, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(report);
        lock (_gate)
        {
            _subject.OnNext(report);
        }

        return ValueTask.CompletedTask;
    }

    /// <inheritdoc/>
    public ValueTask CompleteAsync(Exception? error, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (error is null)
            {
                _subject.OnCompleted();
            }
            else
            {
                _subject.OnError(error);
            }
        }

        return ValueTask.CompletedTask;
    }

    /// <inheritdoc/>
    public void Dispose() => _subject.Dispose();
}
