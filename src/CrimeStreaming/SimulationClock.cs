using System.Reactive.Concurrency;

namespace CrimeStreaming;

/// <summary>The simulated time of a replay, shared by the officers and the Rx operators that analyse them.</summary>
/// <remarks>
/// Two kinds exist: <see cref="AcceleratedClock"/> maps simulated time onto real time
/// (<c>simulated = start + (realNow − realStart) × acceleration</c>), and <see cref="VirtualClock"/> replays
/// as fast as possible while keeping simulated timestamps, fully deterministically. Give the clock's
/// <see cref="Scheduler"/> to every time-based Rx operator so that windows follow simulated time.
/// </remarks>
public abstract class SimulationClock
{
    /// <summary>The simulated time at which the clock starts.</summary>
    public abstract DateTimeOffset Start { get; }

    /// <summary>The current simulated time.</summary>
    public abstract DateTimeOffset Now { get; }

    /// <summary>An Rx scheduler whose <see cref="IScheduler.Now"/> is the simulated time and whose due times are simulated.</summary>
    public abstract IScheduler Scheduler { get; }

    /// <summary><see langword="true"/> when time only moves as the replay advances it (no real waiting).</summary>
    public abstract bool IsVirtual { get; }

    /// <summary>Starts the clock if it has not started yet. Before that, <see cref="Now"/> stays at <see cref="Start"/>.</summary>
    public abstract void Run();

    /// <summary>
    /// Stops simulated time until the returned handle is disposed (counted: time runs again when every hold is
    /// released). The replay holds its clock while its sink makes it wait, so that its officers stay in step.
    /// </summary>
    /// <remarks>The default does nothing: a virtual clock only moves when the replay advances it.</remarks>
    public virtual IDisposable Hold() => System.Reactive.Disposables.Disposable.Empty;

    /// <summary>Completes when the simulated clock reaches <paramref name="simulatedTime"/>.</summary>
    /// <remarks>Completes at once for a time not after <see cref="Now"/>. A virtual clock advances itself to that time.</remarks>
    public abstract ValueTask WaitUntilAsync(DateTimeOffset simulatedTime, CancellationToken cancellationToken);
}
