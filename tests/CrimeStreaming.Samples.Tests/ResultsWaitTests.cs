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
    public void A_reader_or_failure_before_the_call_returns_at_once()
    {
        var failed = Task.FromException(new InvalidOperationException("instance failed"));
        ResultsWait.UntilCompleteAsync(Task.CompletedTask, new TaskCompletionSource().Task, TimeSpan.FromMinutes(1)).IsCompletedSuccessfully.Should().BeTrue();
        ResultsWait.UntilCompleteAsync(new TaskCompletionSource().Task, failed, TimeSpan.FromMinutes(1)).IsCompletedSuccessfully.Should().BeTrue();
        ResultsWait.UntilCompleteAsync(new TaskCompletionSource().Task, Task.CompletedTask, TimeSpan.Zero).IsCompletedSuccessfully.Should().BeTrue();
    }
}
