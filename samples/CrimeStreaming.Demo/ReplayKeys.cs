using CrimeStreaming.Demo.Cli;

namespace CrimeStreaming.Demo;

/// <summary>
/// The live dashboard's keys: space pauses and resumes the replay's clock, <c>+</c> and <c>-</c> double and halve its
/// speed, <c>f</c> runs it at the fastest acceleration, <c>q</c> stops as Ctrl+C does. Keys are read without echo, and
/// only from a terminal.
/// </summary>
internal sealed class ReplayKeys(ReplayControl control, StopSignal stop)
{
    /// <summary>What the keys do, for the dashboard.</summary>
    public const string Help = "space pause · + faster · - slower · f fastest · q quit";

    public ReplayKeys(AcceleratedClock clock, StopSignal stop, double minAcceleration, double maxAcceleration)
        : this(new ReplayControl(clock, minAcceleration, maxAcceleration), stop)
    {
    }

    /// <summary>Applies one key; <see langword="false"/> for a key that does nothing.</summary>
    public bool Apply(char key)
    {
        switch (char.ToLowerInvariant(key))
        {
            case ' ':
                control.TogglePause();
                return true;
            case '+' or '=':
                control.Faster();
                return true;
            case '-' or '_':
                control.Slower();
                return true;
            case 'f':
                control.Fastest();
                return true;
            case 'q':
                stop.Request("q");
                return true;
            default:
                return false;
        }
    }

    /// <summary>The clock's state for the dashboard: "345,600x" or "paused (345,600x)".</summary>
    public string State => control.State;

    /// <summary>Reads keys from the terminal until <paramref name="cancellationToken"/> fires (on a thread of its own: reading blocks).</summary>
    public Task RunAsync(CancellationToken cancellationToken) => Task.Factory.StartNew(
        () =>
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                // KeyAvailable first: ReadKey cannot be cancelled, and the app must not wait for a key to end.
                if (!Console.KeyAvailable)
                {
                    cancellationToken.WaitHandle.WaitOne(50);
                    continue;
                }

                Apply(Console.ReadKey(intercept: true).KeyChar);
            }
        },
        cancellationToken,
        TaskCreationOptions.LongRunning,
        TaskScheduler.Default);
}
