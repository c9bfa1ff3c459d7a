using System.Reactive.Concurrency;

namespace CrimeStreaming;

/// <summary>
/// A simulation clock that runs as fast as possible: time jumps to each report's time, and every Rx
/// operator scheduled on <see cref="Scheduler"/> fires in simulated-time order, deterministically.
/// </summary>
/// <remarks>
/// Backed by Rx's <see cref="HistoricalScheduler"/>. It is single-threaded: the replay drives it from one
/// thread, and so may tests via <see cref="AdvanceTo"/>. Time never moves backwards.
/// </remarks>
public sealed class VirtualClock : SimulationClock
{
    private readonly HistoricalScheduler _scheduler;

    /// <summary>Creates a virtual clock that starts at <paramref name="start"/>.</summary>
    public VirtualClock(DateTimeOffset start)
    {
        Start = start;
        _scheduler = new HistoricalScheduler(start);
    }

    /// <inheritdoc/>
    public override DateTimeOffset Start { get; }

    /// <inheritdoc/>
    public override DateTimeOffset Now => _scheduler.Now;

    /// <inheritdoc/>
    public override IScheduler Scheduler => _scheduler;

    /// <summary>The underlying virtual-time scheduler.</summary>
    public HistoricalScheduler HistoricalScheduler => _scheduler;

    /// <inheritdoc/>
    public override bool IsVirtual => true;

    /// <inheritdoc/>
    public override void Run()
    {
    }

    /// <summary>Moves simulated time to <paramref name="time"/>, running every action due until then.</summary>
    /// <remarks>A time not after <see cref="Now"/> runs the actions already due and leaves the time unchanged.</remarks>
    public void AdvanceTo(DateTimeOffset time)
    {
        if (time > _scheduler.Now)
        {
            _scheduler.AdvanceTo(time);
        }
        else
        {
            _scheduler.AdvanceBy(TimeSpan.Zero);
        }
    }

    /// <summary>Moves simulated time forward by <paramref name="duration"/>.</summary>
    public void AdvanceBy(TimeSpan duration) => AdvanceTo(_scheduler.Now + duration);

    /// <inheritdoc/>
    public override ValueTask WaitUntilAsync(DateTimeOffset simulatedTime, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        AdvanceTo(simulatedTime);
        return ValueTask.CompletedTask;
    }
}
