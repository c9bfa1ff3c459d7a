using System.Diagnostics;

namespace CrimeStreaming;

/// <summary>
/// Completes waits at a <see cref="Stopwatch"/> timestamp with sub-millisecond lateness. One background thread keeps
/// the pending waits in time order, sleeps while the next is more than about a millisecond away, then spins briefly.
/// </summary>
/// <remarks>
/// Plain <see cref="Task.Delay(TimeSpan)"/> fires up to several milliseconds late (timer resolution plus thread-pool
/// hops); at 3600x one real millisecond is 3.6 simulated seconds, so replay pacing uses this instead.
/// </remarks>
internal sealed class PreciseTimer
{
    private static readonly long SpinThreshold = Stopwatch.Frequency / 1000 * 3 / 2; // 1.5 ms
    private readonly PriorityQueue<TaskCompletionSource, long> _queue = new();
    private readonly object _gate = new();
    private Thread? _thread;

    public static PreciseTimer Shared { get; } = new();

    public async Task WaitUntilAsync(long dueTimestamp, CancellationToken cancellationToken)
    {
        if (Stopwatch.GetTimestamp() >= dueTimestamp)
        {
            return;
        }

        var completion = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var registration = cancellationToken.Register(static state => ((TaskCompletionSource)state!).TrySetCanceled(), completion);
        lock (_gate)
        {
            _queue.Enqueue(completion, dueTimestamp);
            if (_thread is null)
            {
                _thread = new Thread(Run) { IsBackground = true, Name = "CrimeStreaming precise timer" };
                _thread.Start();
            }

            Monitor.Pulse(_gate);
        }

        await completion.Task.ConfigureAwait(false);
    }

    private void Run()
    {
        var spinner = default(SpinWait);
        while (true)
        {
            TaskCompletionSource? ready = null;
            lock (_gate)
            {
                if (_queue.Count == 0)
                {
                    Monitor.Wait(_gate);
                    continue;
                }

                _queue.TryPeek(out var next, out var due);
                var remaining = due - Stopwatch.GetTimestamp();
                if (remaining <= 0)
                {
                    ready = _queue.Dequeue();
                }
                else if (remaining > SpinThreshold)
                {
                    // Sleep until about a millisecond before the due time; an earlier new wait pulses us awake.
                    var sleepMs = (int)Math.Min(int.MaxValue, ((remaining - SpinThreshold) * 1000 / Stopwatch.Frequency) + 1);
                    Monitor.Wait(_gate, sleepMs);
                    continue;
                }
            }

            if (ready is not null)
            {
                ready.TrySetResult();
                spinner.Reset();
            }
            else
            {
                spinner.SpinOnce(sleep1Threshold: -1);
            }
        }
    }
}
