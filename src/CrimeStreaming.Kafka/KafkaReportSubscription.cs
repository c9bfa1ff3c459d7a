using Microsoft.Extensions.Logging;

namespace CrimeStreaming.Kafka;

/// <summary>
/// One subscription of <see cref="KafkaCrimeSource"/>: one consumer of the group, reading on its own task and delivering
/// to the subscribed observer itself (no wrapper of the observer stands in between).
/// </summary>
/// <remarks>
/// <para>Delivery and <see cref="Dispose"/> are serialised by one lock, so a report is either given to the observer's
/// <c>OnNext</c>, which returned, while the subscription was live — and only then may its offset be stored — or not
/// given at all, and then read again by the group's next consumer. A report whose <c>OnNext</c> disposes the
/// subscription was delivered (as the last report of <c>Take(n)</c> is).</para>
/// <para><see cref="Dispose"/> never waits for the consumer: it cancels it, then marks the subscription ended under the
/// lock (waiting at most for an <c>OnNext</c> in progress), so it may be called from <c>OnNext</c> or from any thread.
/// The consumer stores, commits and closes in the background (<see cref="Stopped"/>).</para>
/// <para>An observer whose <c>OnNext</c> throws has not processed that report: the subscription ends (the observer
/// hears nothing more), the report is read again by the group's next consumer, and the exception is logged.</para>
/// </remarks>
internal sealed class KafkaReportSubscription : IDisposable
{
    private readonly IObserver<ConsumedCrimeReport> _observer;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stop = new(); // never disposed: Dispose may cancel it at any time, and it holds no timer
    private readonly object _gate = new();
    private bool _live = true;
    private bool _observerFailed;

    /// <summary>Starts a consumer that reads with <paramref name="read"/> and delivers to <paramref name="observer"/>.</summary>
    /// <param name="observer">Receives the reports, then <c>OnCompleted</c> or <c>OnError</c>, unless disposed first.</param>
    /// <param name="read">Runs one consumer until the token is cancelled or the read ends, handing each report to the
    /// delivery function, and treats a report as processed only when that function returns <see langword="true"/>.</param>
    /// <param name="logger">Where failures that reach no observer are logged.</param>
    public KafkaReportSubscription(
        IObserver<ConsumedCrimeReport> observer,
        Func<CancellationToken, Func<ConsumedCrimeReport, bool>, IAsyncEnumerable<ConsumedCrimeReport>> read,
        ILogger logger)
    {
        _observer = observer;
        _logger = logger;
        Stopped = Task.Run(() => RunAsync(read)); // last: every field is set before the consumer starts
    }

    /// <summary>Completes once the consumer has stored, committed and closed (after the observer's last call).</summary>
    public Task Stopped { get; }

    /// <summary>Ends the subscription: the observer hears nothing more. Does not wait for the consumer, which closes in the background.</summary>
    public void Dispose()
    {
        // Cancelled first, outside the lock: from now on no report is handed over, so the consumer stops competing for
        // the lock at once (Monitor is not fair: a consumer delivering in a tight loop could otherwise keep it for many
        // reports). The lock then waits at most for an OnNext in progress (none when called from OnNext: it is re-entrant).
        _stop.Cancel();
        lock (_gate)
        {
            _live = false;
        }
    }

    private async Task RunAsync(Func<CancellationToken, Func<ConsumedCrimeReport, bool>, IAsyncEnumerable<ConsumedCrimeReport>> read)
    {
        Exception? error = null;
        try
        {
            await foreach (var _ in read(_stop.Token, TryDeliver).ConfigureAwait(false))
            {
                // Nothing is yielded: every report goes through TryDeliver.
            }
        }
        catch (Exception e)
        {
            error = e;
        }

        // The consumer has closed: every delivered offset is committed before the observer hears the end.
        lock (_gate)
        {
            if (_observerFailed)
            {
                _logger.LogError(error, "The observer's OnNext threw: the subscription ended, and the report will be read again by the group's next consumer.");
                return;
            }

            if (!_live || _stop.IsCancellationRequested)
            {
                if (error is not null)
                {
                    _logger.LogWarning(error, "The consumer failed after its subscription was disposed.");
                }

                return;
            }

            _live = false;
            try
            {
                if (error is null)
                {
                    _observer.OnCompleted();
                }
                else
                {
                    _observer.OnError(error);
                }
            }
            catch (Exception e)
            {
                // Nobody awaits this task: a throwing observer is logged rather than left unobserved.
                _logger.LogError(e, "The observer threw on the end of the subscription.");
            }
        }
    }

    /// <summary>Gives <paramref name="report"/> to the observer if the subscription is live.</summary>
    /// <returns>Whether <c>OnNext</c> received the report and returned: only then may its offset be stored.</returns>
    private bool TryDeliver(ConsumedCrimeReport report)
    {
        lock (_gate)
        {
            if (!_live || _stop.IsCancellationRequested)
            {
                return false;
            }

            try
            {
                _observer.OnNext(report);
            }
            catch
            {
                // The observer failed on this report: it hears nothing more, and the report is not processed.
                _live = false;
                _observerFailed = true;
                throw;
            }

            return true;
        }
    }
}
