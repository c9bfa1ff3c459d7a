namespace CrimeStreaming.ScaleOut;

/// <summary>Panes: the hour-long slices of event time that windows of whole hours are made of.</summary>
public static class Panes
{
    /// <summary>A pane's length: one hour.</summary>
    public static readonly TimeSpan Length = TimeSpan.FromHours(1);

    /// <summary>The start of the pane holding <paramref name="time"/> (UTC, on the hour).</summary>
    public static DateTimeOffset StartOf(DateTimeOffset time) => new(StartTicks(time.UtcTicks), TimeSpan.Zero);

    internal static long StartTicks(long utcTicks) => utcTicks - (utcTicks % Length.Ticks);
}
