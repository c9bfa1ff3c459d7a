namespace CrimeStreaming.ScaleOut;

/// <summary>Panes: the slices of event time that windows are made of (one hour unless the group says otherwise).</summary>
public static class Panes
{
    /// <summary>The default pane length: one hour.</summary>
    public static readonly TimeSpan Length = TimeSpan.FromHours(1);

    /// <summary>The start of the hour pane holding <paramref name="time"/> (UTC, on the hour).</summary>
    public static DateTimeOffset StartOf(DateTimeOffset time) => StartOf(time, Length);

    /// <summary>The start of the pane of <paramref name="paneLength"/> holding <paramref name="time"/> (UTC, a multiple of the length since the Unix epoch).</summary>
    public static DateTimeOffset StartOf(DateTimeOffset time, TimeSpan paneLength) => new(StartTicks(time.UtcTicks, paneLength.Ticks), TimeSpan.Zero);

    internal static long StartTicks(long utcTicks, long paneTicks)
    {
        var offset = (utcTicks - DateTimeOffset.UnixEpoch.UtcTicks) % paneTicks;
        return utcTicks - (offset < 0 ? offset + paneTicks : offset);
    }
}
