using System.Diagnostics;

namespace CrimeStreaming.Demo;

/// <summary>Produce and consume rates over the last half second or more, for the terminal and the web views alike.</summary>
internal sealed class RateMeter
{
    private readonly object _gate = new();
    private readonly Stopwatch _watch = Stopwatch.StartNew();
    private (double At, long Delivered, long Consumed) _last;
    private (double Produce, double Consume) _rates;

    /// <summary>Takes the counts so far; returns the rates, updated once at least half a second has passed since the last update.</summary>
    public (double Produce, double Consume) Update(long delivered, long consumed)
    {
        lock (_gate)
        {
            var now = _watch.Elapsed.TotalSeconds;
            var dt = now - _last.At;
            if (dt >= 0.5)
            {
                _rates = ((delivered - _last.Delivered) / dt, (consumed - _last.Consumed) / dt);
                _last = (now, delivered, consumed);
            }

            return _rates;
        }
    }
}
