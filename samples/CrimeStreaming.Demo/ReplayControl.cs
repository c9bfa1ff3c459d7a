using System.Globalization;

namespace CrimeStreaming.Demo;

/// <summary>
/// Steers a real-time replay's clock within the accelerations the demo accepts: pause, resume, double, halve, a given
/// speed, the fastest. The one path the terminal's keys (<see cref="ReplayKeys"/>) and the web dashboard's controls take.
/// </summary>
/// <remarks>Thread-safe: the clock takes changes from any thread.</remarks>
internal sealed class ReplayControl(AcceleratedClock clock, double minAcceleration, double maxAcceleration)
{
    public AcceleratedClock Clock { get; } = clock;

    public double MinAcceleration { get; } = minAcceleration;

    public double MaxAcceleration { get; } = maxAcceleration;

    public void Pause() => Clock.Pause();

    public void Resume() => Clock.Resume();

    public void TogglePause()
    {
        if (Clock.IsPaused)
        {
            Clock.Resume();
        }
        else
        {
            Clock.Pause();
        }
    }

    /// <summary>Twice the speed, at most <see cref="MaxAcceleration"/>.</summary>
    public void Faster() => Clock.SetAcceleration(Math.Min(MaxAcceleration, Clock.Acceleration * 2));

    /// <summary>Half the speed, at least <see cref="MinAcceleration"/>.</summary>
    public void Slower() => Clock.SetAcceleration(Math.Max(MinAcceleration, Clock.Acceleration / 2));

    public void Fastest() => Clock.SetAcceleration(MaxAcceleration);

    /// <summary>Runs the clock at <paramref name="acceleration"/> simulated seconds per real second.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Not from <see cref="MinAcceleration"/> to <see cref="MaxAcceleration"/>.</exception>
    public void SetSpeed(double acceleration)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(acceleration, MinAcceleration);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(acceleration, MaxAcceleration);
        Clock.SetAcceleration(acceleration);
    }

    /// <summary>The clock's state for the dashboards: "345,600x" or "paused (345,600x)".</summary>
    public string State
    {
        get
        {
            var reading = Clock.Read();
            var speed = string.Create(CultureInfo.InvariantCulture, $"{reading.Acceleration:#,0.###}x");
            return reading.IsPaused ? $"paused ({speed})" : speed;
        }
    }
}
