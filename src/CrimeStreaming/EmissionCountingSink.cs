namespace CrimeStreaming;

/// <summary>Counts every report written through it as emitted, then passes it on; completion is the caller's.</summary>
internal sealed class EmissionCountingSink(ICrimeReportSink inner, StreamingProgress progress) : ICrimeReportSink
{
    public ValueTask WriteAsync(CrimeReport report, CancellationToken cancellationToken)
    {
        var write = inner.WriteAsync(report, cancellationToken);
        if (write.IsCompletedSuccessfully)
        {
            progress.OnEmitted();
            return ValueTask.CompletedTask;
        }

        return Awaited(write);
    }

    public ValueTask CompleteAsync(Exception? error, CancellationToken cancellationToken) =>
        throw new InvalidOperationException("The streamer completes the sink once the replay ends; a replay must not complete it.");

    private async ValueTask Awaited(ValueTask write)
    {
        await write.ConfigureAwait(false);
        progress.OnEmitted();
    }
}
