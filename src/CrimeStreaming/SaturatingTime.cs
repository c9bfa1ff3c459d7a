namespace CrimeStreaming;

/// <summary>Time arithmetic that stops at the ends of the calendar instead of throwing: extreme (typo'd) dates must not crash a stream.</summary>
internal static class SaturatingTime
{
    private static readonly long MaxTicks = DateTime.MaxValue.Ticks;

    /// <summary><paramref name="time"/> + <paramref name="delta"/>, clamped to [<see cref="DateTimeOffset.MinValue"/>, <see cref="DateTimeOffset.MaxValue"/>] (keeping the offset where it fits).</summary>
    public static DateTimeOffset Add(DateTimeOffset time, TimeSpan delta) => FromUtcTicks(AddTicks(time.UtcTicks, delta.Ticks), time.Offset);

    /// <summary>The instant at <paramref name="utcTicks"/> (clamped to the calendar) shown with <paramref name="offset"/>, or in UTC where the local time would leave the calendar.</summary>
    public static DateTimeOffset FromUtcTicks(long utcTicks, TimeSpan offset)
    {
        utcTicks = Math.Clamp(utcTicks, 0, MaxTicks);
        var local = utcTicks + offset.Ticks;
        return local >= 0 && local <= MaxTicks ? new DateTimeOffset(local, offset) : new DateTimeOffset(utcTicks, TimeSpan.Zero);
    }

    /// <summary><paramref name="a"/> + <paramref name="b"/> without overflow (clamped to the range of <see cref="long"/>).</summary>
    public static long AddTicks(long a, long b)
    {
        var sum = unchecked(a + b);
        if (((a ^ sum) & (b ^ sum)) < 0)
        {
            return a < 0 ? long.MinValue : long.MaxValue;
        }

        return sum;
    }

    /// <summary><paramref name="a"/> × <paramref name="b"/> without overflow (clamped to the range of <see cref="long"/>).</summary>
    public static long MultiplyTicks(long a, long b)
    {
        var product = (Int128)a * b;
        return product > long.MaxValue ? long.MaxValue : product < long.MinValue ? long.MinValue : (long)product;
    }

    /// <summary>A duration in ticks from a double, clamped to <see cref="TimeSpan"/>'s range (NaN gives zero).</summary>
    public static TimeSpan FromTicks(double ticks) =>
        double.IsNaN(ticks) ? TimeSpan.Zero
        : ticks >= TimeSpan.MaxValue.Ticks ? TimeSpan.MaxValue
        : ticks <= TimeSpan.MinValue.Ticks ? TimeSpan.MinValue
        : TimeSpan.FromTicks((long)ticks);
}
