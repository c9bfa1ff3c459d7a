namespace CrimeStreaming.Tests;

/// <summary>Keeps every report written, with the simulated time at which it was written.</summary>
internal sealed class RecordingSink(Func<DateTimeOffset>? now = null, Func<CrimeReport, ValueTask>? onWrite = null) : ICrimeReportSink
{
    private readonly object _gate = new();

    public List<(CrimeReport Report, DateTimeOffset At)> Written { get; } = [];

    public int Completions { get; private set; }

    public Exception? CompletionError { get; private set; }

    public async ValueTask WriteAsync(CrimeReport report, CancellationToken cancellationToken)
    {
        if (onWrite is not null)
        {
            await onWrite(report);
        }

        lock (_gate)
        {
            Written.Add((report, now?.Invoke() ?? default));
        }
    }

    public ValueTask CompleteAsync(Exception? error, CancellationToken cancellationToken)
    {
        Completions++;
        CompletionError = error;
        return ValueTask.CompletedTask;
    }
}
