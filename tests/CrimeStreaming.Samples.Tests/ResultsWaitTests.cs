using CrimeStreaming.Demo;
using FluentAssertions;
using Microsoft.Extensions.Time.Testing;
using Xunit;

namespace CrimeStreaming.Samples.Tests;

/// <summary>The demo's wait for the results after its replay: the reader, a failed analysis or the deadline ends it.</summary>
public sealed class ResultsWaitTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task An_analysis_that_completed_keeps_it_waiting_for_the_reader_without_a_busy_loop()
    {
        var time = new FakeTimeProvider();
        var reading = new TaskCompletionSource();

        // The call must return a pending wait: a wait that woke on the completed analysis looped on the calling thread.
        var call = Task.Factory.StartNew(() => ResultsWait.UntilCompleteAsync(reading.Task, Task.CompletedTask, TimeSpan.FromMinutes(10), time), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        var wait = await call.WaitAsync(Patience);

        wait.IsCompleted.Should().BeFalse("the reader has not completed, the analysis has not failed and no time has passed");
        time.Advance(TimeSpan.FromMinutes(9));
        wait.IsCompleted.Should().BeFalse();

        reading.SetResult();
        await wait.WaitAsync(Patience);
    }

    [Fact]
    public async Task A_failed_analysis_ends_it()
    {
        var time = new FakeTimeProvider();
        var analysing = new TaskCompletionSource();
        var wait = ResultsWait.UntilCompleteAsync(new TaskCompletionSource().Task, analysing.Task, TimeSpan.FromMinutes(10), time);
        wait.IsCompleted.Should().BeFalse();

        analysing.SetException(new InvalidOperationException("instance failed"));
        await wait.WaitAsync(Patience); // completes without throwing: the caller reads the analysis' outcome
    }

    [Fact]
    public async Task The_deadline_ends_it_when_the_reader_never_completes()
    {
        var time = new FakeTimeProvider();
        var wait = ResultsWait.UntilCompleteAsync(new TaskCompletionSource().Task, new TaskCompletionSource().Task, TimeSpan.FromSeconds(5), time);

        time.Advance(TimeSpan.FromSeconds(4.9));
        wait.IsCompleted.Should().BeFalse();
        time.Advance(TimeSpan.FromSeconds(0.1));
        await wait.WaitAsync(Patience);
    }

    [Fact]
    public async Task A_wait_ended_by_the_reader_releases_its_deadline_timer_at_once()
    {
        // The busy loop this replaced left a pending timer per turn: a wait must not leave its own behind.
        var time = new CountingTimeProvider(new FakeTimeProvider());
        var reading = new TaskCompletionSource();
        var wait = ResultsWait.UntilCompleteAsync(reading.Task, new TaskCompletionSource().Task, TimeSpan.FromMinutes(10), time);
        time.Active.Should().Be(1, "the deadline is one timer");

        reading.SetResult();
        await wait.WaitAsync(Patience);
        time.Active.Should().Be(0, "the deadline's timer is disposed when the wait ends, not ten minutes later");
    }

    [Fact]
    public async Task Missing_tasks_are_refused()
    {
        var pending = new TaskCompletionSource().Task;
        await FluentActions.Awaiting(() => ResultsWait.UntilCompleteAsync(null!, pending, Patience)).Should().ThrowAsync<ArgumentNullException>().WithParameterName("reading");
        await FluentActions.Awaiting(() => ResultsWait.UntilCompleteAsync(pending, null!, Patience)).Should().ThrowAsync<ArgumentNullException>().WithParameterName("analysing");
    }

    [Fact]
    public void A_reader_or_failure_before_the_call_returns_at_once()
    {
        var failed = Task.FromException(new InvalidOperationException("instance failed"));
        ResultsWait.UntilCompleteAsync(Task.CompletedTask, new TaskCompletionSource().Task, TimeSpan.FromMinutes(1)).IsCompletedSuccessfully.Should().BeTrue();
        ResultsWait.UntilCompleteAsync(new TaskCompletionSource().Task, failed, TimeSpan.FromMinutes(1)).IsCompletedSuccessfully.Should().BeTrue();
        ResultsWait.UntilCompleteAsync(new TaskCompletionSource().Task, Task.CompletedTask, TimeSpan.Zero).IsCompletedSuccessfully.Should().BeTrue();
    }

    /// <summary>Counts the timers created through it and not yet disposed.</summary>
    private sealed class CountingTimeProvider(TimeProvider inner) : TimeProvider
    {
        private int _active;

        public int Active => Volatile.Read(ref _active);

        public override TimeZoneInfo LocalTimeZone => inner.LocalTimeZone;

        public override long TimestampFrequency => inner.TimestampFrequency;

        public override DateTimeOffset GetUtcNow() => inner.GetUtcNow();

        public override long GetTimestamp() => inner.GetTimestamp();

        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
        {
            Interlocked.Increment(ref _active);
            return new CountedTimer(inner.CreateTimer(callback, state, dueTime, period), this);
        }

        private sealed class CountedTimer(ITimer timer, CountingTimeProvider owner) : ITimer
        {
            private int _disposed;

            public bool Change(TimeSpan dueTime, TimeSpan period) => timer.Change(dueTime, period);

            public void Dispose()
            {
                if (Interlocked.Exchange(ref _disposed, 1) == 0)
                {
                    Interlocked.Decrement(ref owner._active);
                }

                timer.Dispose();
            }

            public ValueTask DisposeAsync()
            {
                Dispose();
                return ValueTask.CompletedTask;
            }
        }
    }
}
