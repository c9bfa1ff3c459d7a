using System.Collections.Concurrent;
using System.Reactive.Concurrency;
using System.Reactive.Disposables;

namespace CrimeStreaming;

/// <summary>
/// A simulation clock running <see cref="Acceleration"/> times faster than real time:
/// <c>simulated = start + (realNow − realStart) × acceleration</c>, where realStart is the moment of <see cref="Run"/>,
/// or the <see cref="Epoch"/> when one is given. It can be paused, resumed and given another acceleration while it runs,
/// from any thread; simulated time then continues from where it was, never jumping.
/// </summary>
/// <remarks>
/// Real time comes from the injected <see cref="TimeProvider"/> (a fake one in tests). Waiting is scheduled on
/// timers, not polled, so a report is emitted when its time comes rather than up to a polling period late; a pause, a
/// resume or a new acceleration re-arms every pending wait and Rx timer at once.
/// </remarks>
public sealed class AcceleratedClock : SimulationClock
{
    private readonly TimeProvider _time;
    private readonly object _gate = new();
    private readonly ConcurrentDictionary<TimedWork, byte> _timers = new();
    private Segment? _segment; // null until Run()
    private double _acceleration;
    private bool _paused;
    private int _holds;
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

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
        CheckAcceleration(acceleration);
        Start = start;
        _acceleration = acceleration;
        Epoch = epoch;
        _time = timeProvider ?? TimeProvider.System;
        Scheduler = new AcceleratedScheduler(this);
    }

    /// <summary>
    /// Raised after the clock was paused, resumed or given another acceleration (on the thread that changed it), so that
    /// a view can show the clock's state. Not raised while a <see cref="Hold"/> begins or ends.
    /// </summary>
    public event EventHandler? Changed;

    /// <summary>The real instant at which the clock reads <see cref="Start"/>, or <see langword="null"/> for the moment of <see cref="Run"/>.</summary>
    /// <remarks>Once run, an epoch in the past puts the clock past <see cref="Start"/> at once (what is due is due now);
    /// until an epoch in the future, <see cref="Now"/> reads before <see cref="Start"/>, so that every wait is measured
    /// on one straight timeline. A pause, a hold or a new acceleration leaves that timeline: the clock then no longer
    /// agrees with other processes' clocks of the same epoch.</remarks>
    public DateTimeOffset? Epoch { get; }

    /// <inheritdoc/>
    public override DateTimeOffset Start { get; }

    /// <summary>Simulated seconds per real second, as given to the constructor or to <see cref="SetAcceleration"/>.</summary>
    public double Acceleration => Volatile.Read(ref _acceleration);

    /// <summary><see langword="true"/> between <see cref="Pause"/> and <see cref="Resume"/>.</summary>
    public bool IsPaused => Volatile.Read(ref _paused);

    /// <summary><see langword="true"/> while simulated time stands still: paused, or held (see <see cref="Hold"/>).</summary>
    public bool IsStopped => Volatile.Read(ref _segment)?.Stopped ?? false;

    /// <inheritdoc/>
    public override bool IsVirtual => false;

    /// <inheritdoc/>
    public override IScheduler Scheduler { get; }

    /// <summary><see langword="true"/> once <see cref="Run"/> has been called.</summary>
    public bool IsRunning => Volatile.Read(ref _segment) is not null;

    /// <inheritdoc/>
    /// <remarks>Stops at <see cref="DateTimeOffset.MaxValue"/> rather than overflowing.</remarks>
    public override DateTimeOffset Now => Volatile.Read(ref _segment) is { } segment ? NowIn(segment) : Start;

    /// <summary>Reads the simulated time together with the pace and the pause it was read under, as one consistent state.</summary>
    /// <remarks>
    /// Reading <see cref="Now"/> and then <see cref="IsPaused"/> can straddle a pause: a view would show a paused clock
    /// at a time before the one it stopped at, and then see it move while paused. A reading cannot: all of it comes from
    /// one stretch of the clock's course. Before <see cref="Run"/> it reads <see cref="Start"/>.
    /// </remarks>
    public AcceleratedClockReading Read()
    {
        if (Volatile.Read(ref _segment) is { } segment)
        {
            return new AcceleratedClockReading(NowIn(segment), segment.Acceleration, segment.Paused, segment.Held);
        }

        lock (_gate)
        {
            return _segment is null ? new AcceleratedClockReading(Start, _acceleration, _paused, _holds > 0) : Read();
        }
    }

    /// <summary>The simulated time now, on the course of <paramref name="segment"/>.</summary>
    private DateTimeOffset NowIn(Segment segment) => SaturatingTime.Add(Start, segment.SimulatedAt(_time.GetTimestamp(), _time));

    /// <summary>Longest single real-time timer; longer waits are taken in steps (timers accept at most about 49 days).</summary>
    private static readonly TimeSpan MaxTimerStep = TimeSpan.FromDays(1);

    /// <inheritdoc/>
    public override void Run()
    {
        if (Volatile.Read(ref _segment) is not null)
        {
            return;
        }

        lock (_gate)
        {
            if (_segment is not null)
            {
                return;
            }

            var now = _time.GetTimestamp();

            // Far-off epochs cannot overflow: the difference of two DateTimeOffsets always fits a TimeSpan.
            var sinceEpoch = Epoch is { } epoch ? (double)(_time.GetUtcNow() - epoch).Ticks : 0;
            Volatile.Write(ref _segment, new Segment(now, sinceEpoch * _acceleration, _acceleration, _paused, _holds > 0));
        }
    }

    /// <summary>Stops simulated time until <see cref="Resume"/>: waits and Rx timers do not come due meanwhile.</summary>
    /// <remarks>Pausing a paused clock does nothing. A clock paused before it runs starts paused.</remarks>
    public void Pause() => Change(() => _paused = true);

    /// <summary>Lets simulated time run on from where <see cref="Pause"/> stopped it.</summary>
    /// <remarks>Resuming a running clock does nothing. Time stays stopped while a <see cref="Hold"/> is held.</remarks>
    public void Resume() => Change(() => _paused = false);

    /// <summary>Runs simulated time at <paramref name="acceleration"/> from now on, continuing from the current simulated time.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="acceleration"/> is not positive and finite.</exception>
    public void SetAcceleration(double acceleration)
    {
        CheckAcceleration(acceleration);
        Change(() => _acceleration = acceleration);
    }

    /// <summary>
    /// Stops simulated time until the returned handle is disposed, as <see cref="Pause"/> does, but counted: time runs
    /// again when every hold is released and the clock is not paused. A replay holds its clock while its sink makes it
    /// wait (a consumer group's lag bound), so that its officers stay in step rather than all emitting a backlog at once.
    /// </summary>
    public override IDisposable Hold()
    {
        lock (_gate)
        {
            _holds++;
            Reanchor();
        }

        return Disposable.Create(() =>
        {
            lock (_gate)
            {
                _holds--;
                Reanchor();
            }
        });
    }

    /// <summary>The real time it takes the simulated clock to advance by <paramref name="simulated"/> at the current acceleration.</summary>
    public TimeSpan ToRealTime(TimeSpan simulated) =>
        simulated <= TimeSpan.Zero ? TimeSpan.Zero : SaturatingTime.FromTicks(Math.Ceiling(simulated.Ticks / Acceleration));

    /// <inheritdoc/>
    public override async ValueTask WaitUntilAsync(DateTimeOffset simulatedTime, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        Run();
        var target = (double)(simulatedTime - Start).Ticks;
        while (true)
        {
            // The signal is read before the segment: a change after this point completes it.
            var changed = Volatile.Read(ref _changed).Task;
            var segment = Volatile.Read(ref _segment)!;
            var now = _time.GetTimestamp();
            if (segment.SimulatedTicksAt(now, _time) >= target)
            {
                return;
            }

            Task wait;
            if (segment.Stopped)
            {
                wait = changed.WaitAsync(cancellationToken);
            }
            else if (ReferenceEquals(_time, TimeProvider.System))
            {
                // System time is the Stopwatch: wait on the precise timer rather than on millisecond-grained timers.
                var dueOffset = Math.Ceiling((target - segment.SimulatedTicks) / segment.Acceleration * System.Diagnostics.Stopwatch.Frequency / TimeSpan.TicksPerSecond);
                var due = segment.RealStart + (long)Math.Clamp(dueOffset, long.MinValue / 2.0, long.MaxValue / 2.0);
                wait = PreciseTimer.Shared.WaitUntilAsync(due, cancellationToken);
            }
            else
            {
                // Timers may fire a little early on some platforms: the loop checks that the clock really got there.
                var real = SaturatingTime.FromTicks(Math.Ceiling((target - segment.SimulatedTicksAt(now, _time)) / segment.Acceleration));
                wait = Task.Delay(real < MaxTimerStep ? real : MaxTimerStep, _time, cancellationToken);
            }

            if (!wait.IsCompleted)
            {
                await Task.WhenAny(wait, changed).ConfigureAwait(false);
            }

            cancellationToken.ThrowIfCancellationRequested();
        }
    }

    private static void CheckAcceleration(double acceleration)
    {
        if (!(acceleration > 0) || double.IsInfinity(acceleration))
        {
            throw new ArgumentOutOfRangeException(nameof(acceleration), acceleration, "The acceleration must be a positive, finite number.");
        }
    }

    private void Change(Action change)
    {
        lock (_gate)
        {
            change();
            Reanchor();
        }

        Changed?.Invoke(this, EventArgs.Empty);
    }

    /// <summary>Starts a new segment at the current simulated time (under the lock) and wakes every waiter to re-arm.</summary>
    private void Reanchor()
    {
        if (_segment is { } current)
        {
            var now = _time.GetTimestamp();
            var segment = new Segment(now, current.SimulatedTicksAt(now, _time), _acceleration, _paused, _holds > 0);
            if (segment.Stopped == current.Stopped && segment.Acceleration == current.Acceleration)
            {
                // Nothing changes the course of time: keep the waits as they are. A stopped clock may have gone from
                // held to paused (or back): readings show that, at the same simulated time.
                if (segment.Stopped && (segment.Paused != current.Paused || segment.Held != current.Held))
                {
                    Volatile.Write(ref _segment, segment);
                }

                return;
            }

            Volatile.Write(ref _segment, segment);
        }

        Interlocked.Exchange(ref _changed, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).SetResult();
        foreach (var work in _timers.Keys)
        {
            work.Rearm();
        }
    }

    /// <summary>
    /// A stretch of time at one pace: from the real timestamp <see cref="RealStart"/>, when simulated time had run
    /// <see cref="SimulatedTicks"/> past <see cref="Start"/>, at <see cref="Acceleration"/>, or standing still (paused,
    /// held or both).
    /// </summary>
    private sealed record Segment(long RealStart, double SimulatedTicks, double Acceleration, bool Paused, bool Held)
    {
        public bool Stopped => Paused || Held;

        public double SimulatedTicksAt(long timestamp, TimeProvider time) =>
            Stopped ? SimulatedTicks : SimulatedTicks + (time.GetElapsedTime(RealStart, timestamp).Ticks * Acceleration);

        public TimeSpan SimulatedAt(long timestamp, TimeProvider time) => SaturatingTime.FromTicks(SimulatedTicksAt(timestamp, time));
    }

    /// <summary>Rx work due at a simulated time: a real timer armed for the current pace, re-armed when the pace changes.</summary>
    private sealed class TimedWork : IDisposable
    {
        private readonly AcceleratedClock _clock;
        private readonly DateTimeOffset _due;
        private readonly Func<IDisposable> _run;
        private readonly ITimer _timer;
        private readonly SingleAssignmentDisposable _work = new();
        private readonly object _arm = new();
        private int _state; // 0 pending, 1 ran, 2 disposed

        public TimedWork(AcceleratedClock clock, DateTimeOffset due, Func<IDisposable> run)
        {
            _clock = clock;
            _due = due;
            _run = run;
            _timer = clock._time.CreateTimer(static s => ((TimedWork)s!).Fire(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
            clock._timers[this] = 0;
            Rearm();
        }

        public void Rearm()
        {
            // Serialized, and reading the clock inside: the last to arm saw the newest segment (written before the
            // clock re-arms its timers), so a resume racing a pause cannot leave the timer disarmed.
            lock (_arm)
            {
                if (Volatile.Read(ref _state) != 0)
                {
                    return;
                }

                if (_clock.IsStopped)
                {
                    _timer.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
                    return;
                }

                var real = _clock.ToRealTime(_due - _clock.Now);
                _timer.Change(real > MaxTimerStep ? MaxTimerStep : real, Timeout.InfiniteTimeSpan);
            }
        }

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _state, 2) != 2)
            {
                _clock._timers.TryRemove(this, out _);
                _timer.Dispose();
                _work.Dispose();
            }
        }

        private void Fire()
        {
            // Early (a long wait taken in steps, a pace changed meanwhile, a timer firing early): arm again for the rest.
            if (_clock.Now < _due || _clock.IsStopped)
            {
                Rearm();
                return;
            }

            if (Interlocked.CompareExchange(ref _state, 1, 0) == 0)
            {
                _clock._timers.TryRemove(this, out _);
                _timer.Dispose();
                _work.Disposable = _run();
            }
        }
    }

    /// <summary>Rx scheduler view of the clock: simulated due times become real timers.</summary>
    private sealed class AcceleratedScheduler(AcceleratedClock clock) : IScheduler, IStopwatchProvider, IServiceProvider
    {
        public DateTimeOffset Now => clock.Now;

        public IDisposable Schedule<TState>(TState state, Func<IScheduler, TState, IDisposable> action)
            => Schedule(state, TimeSpan.Zero, action);

        public IDisposable Schedule<TState>(TState state, DateTimeOffset dueTime, Func<IScheduler, TState, IDisposable> action)
        {
            ArgumentNullException.ThrowIfNull(action);
            clock.Run();
            return new TimedWork(clock, dueTime, () => action(this, state));
        }

        public IDisposable Schedule<TState>(TState state, TimeSpan dueTime, Func<IScheduler, TState, IDisposable> action)
        {
            ArgumentNullException.ThrowIfNull(action);
            clock.Run();
            return new TimedWork(clock, SaturatingTime.Add(Now, dueTime), () => action(this, state));
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
