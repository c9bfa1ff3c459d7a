using System.Diagnostics;

namespace CrimeStreaming;

/// <summary>
/// Completes waits at a <see cref="Stopwatch"/> timestamp with sub-millisecond lateness. One background thread keeps
/// the pending waits in time order, sleeps until 2–3 ms before the next is due, then spins (yielding) until it is.
/// </summary>
/// <remarks>
/// Plain <see cref="Task.Delay(TimeSpan)"/> fires up to several milliseconds late (timer resolution plus thread-pool
/// hops); at 3600x one real millisecond is 3.6 simulated seconds, so replay pacing uses this instead.
/// </remarks>
internal sealed class PreciseTimer
{
    // The thread wakes from its (millisecond-grained) sleep at least this long before a due time and spins the rest.
    // On a busy machine the wake-up itself can come a millisecond or more late; with 1.5 ms (and the sleep rounded
    // up, so that it woke only 0.5–1.5 ms ahead) the timer thread's own p99 lateness under load was 2–3 ms in about
    // half the runs, with 2 ms (waking 2–3 ms ahead) it stayed under 1 ms. Spinning yields the core to other threads.
    private static readonly long SpinThreshold = Stopwatch.Frequency / 1000 * 2; // 2 ms
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
                    // Sleep whole milliseconds, rounded down, so as to wake at least SpinThreshold before the due time;
                    // an earlier new wait pulses us awake.
                    var sleepMs = (int)Math.Min(int.MaxValue, (remaining - SpinThreshold) * 1000 / Stopwatch.Frequency);
                    if (sleepMs > 0)
                    {
                        Monitor.Wait(_gate, sleepMs);
                        continue;
                    }
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
