using Microsoft.Extensions.Time.Testing;

namespace CrimeStreaming.Tests;

/// <summary>
/// A fake clock that counts the timers created on it, so a test can advance time only once every officer is
/// waiting: advancing between an officer reading the time and arming its timer would postpone that timer.
/// </summary>
internal sealed class CountingTimeProvider(DateTimeOffset start) : FakeTimeProvider(start)
{
    private int _created;

    public int TimersCreated => Volatile.Read(ref _created);

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = base.CreateTimer(callback, state, dueTime, period);
        Interlocked.Increment(ref _created);
        return timer;
    }
}
