using System.Runtime.InteropServices;

namespace CrimeStreaming.Demo.Cli;

/// <summary>
/// Turns Ctrl+C (SIGINT) and SIGTERM into a graceful stop: the first one cancels <see cref="Token"/> so the app can
/// flush and print its summary; a second one ends the process at once.
/// </summary>
internal sealed class StopSignal : IDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly PosixSignalRegistration[] _registrations;
    private int _signals;

    private readonly string _stopping;

    /// <summary>Registers the handlers.</summary>
    /// <param name="stopping">What a graceful stop does, for the line printed when it begins (e.g. "flushing Kafka").</param>
    public StopSignal(string stopping)
    {
        _stopping = stopping;
        _registrations = [PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal), PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal)];
    }

    public CancellationToken Token => _stop.Token;

    public bool IsRequested => _stop.IsCancellationRequested;

    /// <summary>Which signal asked to stop, for the message.</summary>
    public string? Reason { get; private set; }

    public void Dispose()
    {
        foreach (var registration in _registrations)
        {
            registration.Dispose();
        }

        _stop.Dispose();
    }

    /// <summary>Stops as the first signal does (e.g. the dashboard's <c>q</c> key), once; <paramref name="reason"/> names it.</summary>
    public void Request(string reason)
    {
        if (Interlocked.Increment(ref _signals) == 1)
        {
            Stop(reason);
        }
    }

    private void OnSignal(PosixSignalContext context)
    {
        if (Interlocked.Increment(ref _signals) > 1)
        {
            return; // the second signal: let the default action end the process
        }

        context.Cancel = true;
        Stop(context.Signal == PosixSignal.SIGTERM ? "SIGTERM" : "Ctrl+C");
    }

    private void Stop(string reason)
    {
        Reason = reason;
        Console.Error.WriteLine($"stopping ({Reason}): {_stopping}; press Ctrl+C again to quit at once.");
        _stop.Cancel();
    }
}
