namespace CrimeStreaming;

/// <summary>One consistent reading of an <see cref="AcceleratedClock"/> (see <see cref="AcceleratedClock.Read"/>).</summary>
/// <param name="Now">The simulated time.</param>
/// <param name="Acceleration">Simulated seconds per real second at that time.</param>
/// <param name="IsPaused">Whether the clock was paused (<see cref="AcceleratedClock.Pause"/>).</param>
/// <param name="IsHeld">Whether a <see cref="AcceleratedClock.Hold"/> stopped it (a replay waiting for its consumers).</param>
public readonly record struct AcceleratedClockReading(DateTimeOffset Now, double Acceleration, bool IsPaused, bool IsHeld)
{
    /// <summary><see langword="true"/> while simulated time stands still: paused, held or both.</summary>
    public bool IsStopped => IsPaused || IsHeld;
}
