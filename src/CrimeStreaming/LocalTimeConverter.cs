using System.Collections.Concurrent;
using System.Runtime.CompilerServices;

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

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
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

    /// <summary><paramref name="instant"/> shown with the zone's offset at that instant (not the offset it was computed with).</summary>
    /// <remarks>Cheap when the instant's local day, read with its current offset, is a day without transition of that
    /// same offset: then the whole day has it, so the instant does too.</remarks>
    public DateTimeOffset InZone(DateTimeOffset instant)
    {
        var local = instant.DateTime;
        var day = DateOnly.FromDateTime(local).DayNumber;
        if (!_dayOffsets.TryGetValue(day, out var offset))
        {
            offset = UniformOffset(local.Date);
            _dayOffsets.TryAdd(day, offset);
        }

        return offset == instant.Offset ? instant : TimeZoneInfo.ConvertTime(instant, Zone);
    }

    private TimeSpan UniformOffset(DateTime dayStart)
    {
        if (dayStart < DateTime.MinValue.AddDays(2) || dayStart > DateTime.MaxValue.AddDays(-3))
        {
            return NoCache; // the zone's offset cannot be probed a day either side at the ends of the calendar
        }

        // Transitions are never less than a day apart, so equal offsets at both ends of the day mean none inside it.
        var first = TimeZones.ToOffset(dayStart, Zone);
        var last = TimeZones.ToOffset(dayStart.AddDays(1).AddTicks(-1), Zone);
        var midnightNext = TimeZones.ToOffset(dayStart.AddDays(1), Zone);
        return first.Offset == last.Offset && last.Offset == midnightNext.Offset && !Zone.IsAmbiguousTime(dayStart) && !Zone.IsInvalidTime(dayStart)
            ? first.Offset
            : NoCache;
    }
}
