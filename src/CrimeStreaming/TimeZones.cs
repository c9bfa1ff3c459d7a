namespace CrimeStreaming;

/// <summary>Time zones the library needs.</summary>
public static class TimeZones
{
    /// <summary>Pacific time (<c>America/Los_Angeles</c>), or UTC where the system has no time-zone data.</summary>
    public static TimeZoneInfo LosAngeles { get; } = Find("America/Los_Angeles", "Pacific Standard Time");

    /// <summary>The offset that wall-clock time <paramref name="local"/> has in <paramref name="zone"/>.</summary>
    /// <remarks>
    /// A time skipped by a daylight-saving jump (02:30 on a spring-forward night) is taken as if the clock had not
    /// jumped yet (standard offset); a time that occurs twice takes the first, daylight-saving one.
    /// </remarks>
    public static DateTimeOffset ToOffset(DateTime local, TimeZoneInfo zone)
    {
        local = DateTime.SpecifyKind(local, DateTimeKind.Unspecified);
        if (zone.IsInvalidTime(local))
        {
            return new DateTimeOffset(local, zone.BaseUtcOffset);
        }

        if (zone.IsAmbiguousTime(local))
        {
            var offsets = zone.GetAmbiguousTimeOffsets(local);
            return new DateTimeOffset(local, offsets.Max());
        }

        return new DateTimeOffset(local, zone.GetUtcOffset(local));
    }

    private static TimeZoneInfo Find(params string[] ids)
    {
        foreach (var id in ids)
        {
            try
            {
                return TimeZoneInfo.FindSystemTimeZoneById(id);
            }
            catch (Exception e) when (e is TimeZoneNotFoundException or InvalidTimeZoneException)
            {
            }
        }

        return TimeZoneInfo.Utc;
    }
}
