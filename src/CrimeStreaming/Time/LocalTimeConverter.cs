using System.Collections.Concurrent;

namespace CrimeStreaming;

/// <summary>
/// Converts wall-clock times of one time zone to instants like <see cref="TimeZones.ToOffset"/>, but caches the
/// offset per day: the zone's rules are consulted once per calendar day instead of once per record.
/// </summary>
/// <remarks>Days that contain a daylight-saving transition are not cached; every time on them is resolved exactly.</remarks>
internal sealed class LocalTimeConverter(TimeZoneInfo zone)
{
    private static readonly TimeSpan NoCache = TimeSpan.MinValue;
    private readonly ConcurrentDictionary<int, TimeSpan> _dayOffsets = new();

    public TimeZoneInfo Zone { get; } = zone;

    public DateTimeOffset ToOffset(DateTime local)
    {
        var day = DateOnly.FromDateTime(local).DayNumber;
        if (!_dayOffsets.TryGetValue(day, out var offset))
        {
            offset = UniformOffset(local.Date);
            _dayOffsets.TryAdd(day, offset);
        }

        return offset == NoCache
            ? TimeZones.ToOffset(local, Zone)
            : new DateTimeOffset(DateTime.SpecifyKind(local, DateTimeKind.Unspecified), offset);
    }

    private TimeSpan UniformOffset(DateTime dayStart)
    {
        // Transitions are never less than a day apart, so equal offsets at both ends of the day mean none inside it.
        var first = TimeZones.ToOffset(dayStart, Zone);
        var last = TimeZones.ToOffset(dayStart.AddDays(1).AddTicks(-1), Zone);
        var midnightNext = TimeZones.ToOffset(dayStart.AddDays(1), Zone);
        return first.Offset == last.Offset && last.Offset == midnightNext.Offset && !Zone.IsAmbiguousTime(dayStart) && !Zone.IsInvalidTime(dayStart)
            ? first.Offset
            : NoCache;
    }
}
