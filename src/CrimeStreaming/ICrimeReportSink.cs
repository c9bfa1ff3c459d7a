namespace CrimeStreaming;

/// <summary>Receives the reports that officers emit during a replay (console, Kafka, an observable…).</summary>
/// <remarks>
/// <para>On an accelerated clock officers run concurrently, so <see cref="WriteAsync"/> may be called from
/// several threads at once: implementations must be thread-safe. On a virtual clock calls are sequential.</para>
/// <para><see cref="CompleteAsync"/> is called exactly once after the last write, whether the replay ended
/// normally, was cancelled or failed, so that the sink can flush and report what it delivered.</para>
/// </remarks>
public interface ICrimeReportSink
{
    /// <summary>Accepts one report. May wait (back-pressure) but must not drop it silently.</summary>
    /// <param name="report">The report, at or after its simulated report time.</param>
    /// <param name="cancellationToken">Cancelled when the replay is stopped.</param>
    ValueTask WriteAsync(CrimeReport report, CancellationToken cancellationToken);

    /// <summary>Ends the stream: flush buffered reports and release resources held for the run.</summary>
    /// <param name="error">The failure that ended the replay, or <see langword="null"/> when it completed or was cancelled.</param>
    /// <param name="cancellationToken">Bounds how long flushing may take.</param>
    ValueTask CompleteAsync(Exception? error, CancellationToken cancellationToken);
}
