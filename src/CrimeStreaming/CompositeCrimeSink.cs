namespace CrimeStreaming;

/// <summary>Writes every report to several sinks in order (e.g. Kafka and a live view) and completes them all.</summary>
public sealed class CompositeCrimeSink : ICrimeReportSink
{
    private readonly ICrimeReportSink[] _sinks;

    /// <summary>Creates the sink.</summary>
    public CompositeCrimeSink(params ICrimeReportSink[] sinks)
    {
        ArgumentNullException.ThrowIfNull(sinks);
        if (sinks.Any(s => s is null))
        {
            throw new ArgumentException("Sinks must not be null.", nameof(sinks));
        }

        _sinks = sinks.ToArray();
    }

    /// <inheritdoc/>
    public async ValueTask WriteAsync(CrimeReport report, CancellationToken cancellationToken)
    {
        foreach (var sink in _sinks)
        {
            await sink.WriteAsync(report, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <inheritdoc/>
    /// <remarks>Every sink is completed even if an earlier one fails; the first failure is then rethrown.</remarks>
    public async ValueTask CompleteAsync(Exception? error, CancellationToken cancellationToken)
    {
        List<Exception>? failures = null;
        foreach (var sink in _sinks)
        {
            try
            {
                await sink.CompleteAsync(error, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e)
            {
                (failures ??= []).Add(e);
            }
        }

        if (failures is { Count: 1 })
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(failures[0]).Throw();
        }

        if (failures is not null)
        {
            throw new AggregateException(failures);
        }
    }
}
