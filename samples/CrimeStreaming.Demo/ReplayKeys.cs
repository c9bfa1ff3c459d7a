using System.Globalization;
using CrimeStreaming.Demo.Cli;

namespace CrimeStreaming.Demo;

/// <summary>
/// The live dashboard's keys: space pauses and resumes the replay's clock, <c>+</c> and <c>-</c> double and halve its
/// speed, <c>f</c> runs it at the fastest acceleration, <c>q</c> stops as Ctrl+C does. Keys are read without echo, and
/// only from a terminal.
/// </summary>
internal sealed class ReplayKeys(AcceleratedClock clock, StopSignal stop, double minAcceleration, double maxAcceleration)
{
    /// <summary>What the keys do, for the dashboard.</summary>
    public const string Help = "space pause · + faster · - slower · f fastest · q quit";

    /// <summary>Applies one key; <see langword="false"/> for a key that does nothing.</summary>
    public bool Apply(char key)
    {
        switch (char.ToLowerInvariant(key))
        {
            case ' ':
                if (clock.IsPaused)
                {
                    clock.Resume();
                }
                else
                {
                    clock.Pause();
                }

                return true;
            case '+' or '=':
                clock.SetAcceleration(Math.Min(maxAcceleration, clock.Acceleration * 2));
                return true;
            case '-' or '_':
                clock.SetAcceleration(Math.Max(minAcceleration, clock.Acceleration / 2));
                return true;
            case 'f':
                clock.SetAcceleration(maxAcceleration);
                return true;
            case 'q':
                stop.Request("q");
                return true;
            default:
                return false;
        }
    }

    /// <summary>The clock's state for the dashboard: "345,600x" or "paused (345,600x)".</summary>
    public string State
    {
        get
        {
            var speed = string.Create(CultureInfo.InvariantCulture, $"{clock.Acceleration:#,0.###}x");
            return clock.IsPaused ? $"paused ({speed})" : speed;
        }
    }

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
