using System.Reactive.Concurrency;
using System.Reactive.Disposables;

namespace CrimeStreaming;

/// <summary>
/// A simulation clock running <see cref="Acceleration"/> times faster than real time:
/// <c>simulated = start + (realNow − realStart) × acceleration</c>, where realStart is the moment of <see cref="Run"/>,
/// or the <see cref="Epoch"/> when one is given.
/// </summary>
/// <remarks>
/// Real time comes from the injected <see cref="TimeProvider"/> (a fake one in tests). Waiting is scheduled on
/// timers, not polled, so a report is emitted when its time comes rather than up to a polling period late.
/// </remarks>
public sealed class AcceleratedClock : SimulationClock
{
    private readonly TimeProvider _time;
    private long _realStartTimestamp; // 0 until Run()
    private long _epochShiftTicks; // real time from the epoch to Run() (negative before a future epoch); set before _realStartTimestamp
    private readonly object _runGate = new();

    /// <summary>Creates an accelerated clock.</summary>
    /// <param name="start">The simulated time when the clock is started (at <paramref name="epoch"/> if one is given).</param>
    /// <param name="acceleration">Simulated seconds per real second (3600: one real second is one simulated hour). Must be positive and finite.</param>
    /// <param name="timeProvider">The source of real time; the default is <see cref="TimeProvider.System"/>.</param>
    /// <param name="epoch">The real instant (on <paramref name="timeProvider"/>'s wall clock) at which the clock reads
    /// <paramref name="start"/>, so that clocks in several processes agree; the default is the moment of <see cref="Run"/>.</param>
    /// <remarks>The epoch is read against the wall clock once, when the clock is run; from then on elapsed time comes
    /// from the monotonic timestamp, so adjustments of the system clock during a replay do not move it.</remarks>
    public AcceleratedClock(DateTimeOffset start, double acceleration, TimeProvider? timeProvider = null, DateTimeOffset? epoch = null)
    {
        if (!(acceleration > 0) || double.IsInfinity(acceleration))
        {
            throw new ArgumentOutOfRangeException(nameof(acceleration), acceleration, "The acceleration must be a positive, finite number.");
        }

        Start = start;
        Acceleration = acceleration;
        Epoch = epoch;
        _time = timeProvider ?? TimeProvider.System;
        Scheduler = new AcceleratedScheduler(this);
    }

    /// <summary>The real instant at which the clock reads <see cref="Start"/>, or <see langword="null"/> for the moment of <see cref="Run"/>.</summary>
    /// <remarks>Once run, an epoch in the past puts the clock past <see cref="Start"/> at once (what is due is due now);
    /// until an epoch in the future, <see cref="Now"/> reads before <see cref="Start"/>, so that every wait is measured
    /// on one straight timeline.</remarks>
    public DateTimeOffset? Epoch { get; }

    /// <inheritdoc/>
    public override DateTimeOffset Start { get; }

    /// <summary>Simulated seconds per real second.</summary>
    public double Acceleration { get; }

    /// <inheritdoc/>
    public override bool IsVirtual => false;

    /// <inheritdoc/>
    public override IScheduler Scheduler { get; }

    /// <summary><see langword="true"/> once <see cref="Run"/> has been called.</summary>
    public bool IsRunning => Interlocked.Read(ref _realStartTimestamp) != 0;

    /// <inheritdoc/>
    /// <remarks>Stops at <see cref="DateTimeOffset.MaxValue"/> rather than overflowing.</remarks>
    public override DateTimeOffset Now => SaturatingTime.Add(Start, SimulatedElapsed);

    /// <summary>Longest single real-time timer; longer waits are taken in steps (timers accept at most about 49 days).</summary>
    private static readonly TimeSpan MaxTimerStep = TimeSpan.FromDays(1);

    private TimeSpan SimulatedElapsed
    {
        get
        {
            var startTs = Interlocked.Read(ref _realStartTimestamp);
            if (startTs == 0)
            {
                return TimeSpan.Zero;
            }

            var real = _time.GetElapsedTime(startTs).Ticks + (double)Volatile.Read(ref _epochShiftTicks);
            return SaturatingTime.FromTicks(real * Acceleration);
        }
    }

    /// <inheritdoc/>
    public override void Run()
    {
        if (Interlocked.Read(ref _realStartTimestamp) != 0)
        {
            return;
        }

        lock (_runGate)
        {
            if (Interlocked.Read(ref _realStartTimestamp) != 0)
            {
                return;
            }

            var now = _time.GetTimestamp();
            if (Epoch is { } epoch)
            {
                // Far-off epochs cannot overflow: the difference of two DateTimeOffsets always fits a TimeSpan.
                Volatile.Write(ref _epochShiftTicks, (_time.GetUtcNow() - epoch).Ticks);
            }

            Interlocked.Exchange(ref _realStartTimestamp, now == 0 ? 1 : now);
        }
    }

    /// <summary>The real time it takes the simulated clock to advance by <paramref name="simulated"/>.</summary>
    public TimeSpan ToRealTime(TimeSpan simulated) =>
        simulated <= TimeSpan.Zero ? TimeSpan.Zero : SaturatingTime.FromTicks(Math.Ceiling(simulated.Ticks / Acceleration));

    /// <inheritdoc/>
    public override async ValueTask WaitUntilAsync(DateTimeOffset simulatedTime, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        Run();
        if (ReferenceEquals(_time, TimeProvider.System))
        {
            // System time is the Stopwatch: wait on the precise timer rather than on millisecond-grained timers.
            var ahead = simulatedTime - Start;
            var realStart = Interlocked.Read(ref _realStartTimestamp);
            var dueOffset = Math.Ceiling(((ahead.Ticks / Acceleration) - Volatile.Read(ref _epochShiftTicks)) * System.Diagnostics.Stopwatch.Frequency / TimeSpan.TicksPerSecond);
            var due = realStart + (long)Math.Clamp(dueOffset, long.MinValue / 2.0, long.MaxValue / 2.0);
            await PreciseTimer.Shared.WaitUntilAsync(due, cancellationToken).ConfigureAwait(false);
            return;
        }

        while (true)
        {
            var remaining = simulatedTime - Now;
            if (remaining <= TimeSpan.Zero)
            {
                return;
            }

            // Timers may fire a little early on some platforms: loop until the clock really got there.
            var real = ToRealTime(remaining);
            await Task.Delay(real < MaxTimerStep ? real : MaxTimerStep, _time, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Rx scheduler view of the clock: simulated due times become real timers.</summary>
    private sealed class AcceleratedScheduler(AcceleratedClock clock) : IScheduler, IStopwatchProvider, IServiceProvider
    {
        public DateTimeOffset Now => clock.Now;

        public IDisposable Schedule<TState>(TState state, Func<IScheduler, TState, IDisposable> action)
            => Schedule(state, TimeSpan.Zero, action);

        public IDisposable Schedule<TState>(TState state, DateTimeOffset dueTime, Func<IScheduler, TState, IDisposable> action)
            => Schedule(state, dueTime - Now, action);

        public IDisposable Schedule<TState>(TState state, TimeSpan dueTime, Func<IScheduler, TState, IDisposable> action)
        {
            ArgumentNullException.ThrowIfNull(action);
            clock.Run();
            var work = new SingleAssignmentDisposable();
            var cancel = new BooleanDisposable();
            var real = clock.ToRealTime(dueTime);
            var absolute = SaturatingTime.Add(Now, dueTime);
            var timer = clock._time.CreateTimer(
                _ =>
                {
                    if (!cancel.IsDisposed)
                    {
                        // A due time beyond one timer step is reached in steps.
                        work.Disposable = real > MaxTimerStep ? Schedule(state, absolute, action) : action(this, state);
                    }
                },
                null,
                real > MaxTimerStep ? MaxTimerStep : real,
                Timeout.InfiniteTimeSpan);
            return new CompositeDisposable(cancel, timer, work);
        }

        public IStopwatch StartStopwatch() => new SimulatedStopwatch(clock);

        public object? GetService(Type serviceType) => serviceType == typeof(IStopwatchProvider) ? this : null;
    }

    private sealed class SimulatedStopwatch(AcceleratedClock clock) : IStopwatch
    {
        private readonly DateTimeOffset _started = clock.Now;

        public TimeSpan Elapsed => clock.Now - _started;
    }
}
