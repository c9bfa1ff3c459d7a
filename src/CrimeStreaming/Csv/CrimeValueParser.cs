using System.Globalization;
using System.Runtime.CompilerServices;

namespace CrimeStreaming.Csv;

/// <summary>Parsers for the value formats found in LAPD files; allocation-free, culture-invariant.</summary>
internal static class CrimeValueParser
{
    /// <summary>
    /// Parses the date part of <c>MM/DD/YYYY</c>, <c>MM/DD/YYYY hh:mm:ss AM</c>, <c>MM/DD/YYYY HH:MM</c> (both occur in one
    /// 2020 file) or ISO <c>YYYY-MM-DD[THH:MM:SS[.fff]]</c>. Months and days may be unpadded. The time part, when present,
    /// must be valid but is not returned: LAPD keeps the time of day in its own column.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static bool TryParseDate(ReadOnlySpan<char> text, out DateOnly date)
    {
        date = default;
        text = text.Trim();
        int year, month, day, pos;
        if (text.Length >= 10 && text[4] == '-')
        {
            if (!Digits(text, 0, 4, out year) || !Digits(text, 5, 2, out month) || text[7] != '-' || !Digits(text, 8, 2, out day))
            {
                return false;
            }

            pos = 10;
            if (pos < text.Length && text[pos] is 'T' or ' ')
            {
                if (!IsValidTimeOfDay(text[(pos + 1)..]))
                {
                    return false;
                }
            }
            else if (pos != text.Length)
            {
                return false;
            }
        }
        else
        {
            pos = 0;
            if (!Number(text, ref pos, 1, 2, out month) || !Expect(text, ref pos, '/')
                || !Number(text, ref pos, 1, 2, out day) || !Expect(text, ref pos, '/')
                || !Number(text, ref pos, 4, 4, out year))
            {
                return false;
            }

            if (pos < text.Length)
            {
                if (text[pos] != ' ' || !IsValidTimeOfDay(text[(pos + 1)..]))
                {
                    return false;
                }
            }
        }

        if (year < 1 || month is < 1 or > 12 || day < 1 || day > DateTime.DaysInMonth(year, month))
        {
            return false;
        }

        date = new DateOnly(year, month, day);
        return true;
    }

    /// <summary>Parses <c>TIME OCC</c>: <c>HHMM</c> padded or not (<c>1</c> = 00:01, <c>30</c> = 00:30, <c>2359</c>), or <c>HH:MM</c>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static bool TryParseTimeOfDay(ReadOnlySpan<char> text, out TimeOnly time)
    {
        time = default;
        text = text.Trim();
        int hours, minutes;
        var colon = text.IndexOf(':');
        if (colon >= 0)
        {
            var pos = 0;
            if (!Number(text, ref pos, 1, 2, out hours) || !Expect(text, ref pos, ':') || !Number(text, ref pos, 2, 2, out minutes) || pos != text.Length)
            {
                return false;
            }
        }
        else
        {
            if (text.Length is 0 or > 4)
            {
                return false;
            }

            var pos = 0;
            if (!Number(text, ref pos, text.Length, text.Length, out var value))
            {
                return false;
            }

            hours = value / 100;
            minutes = value % 100;
        }

        if (hours > 23 || minutes > 59)
        {
            return false;
        }

        time = new TimeOnly(hours, minutes);
        return true;
    }

    /// <summary>Parses <c>"(34.0454, -118.3157)"</c>; (0, 0) gives a <see langword="null"/> location (unknown).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static bool TryParseLocation(ReadOnlySpan<char> text, out GeoPoint? location)
    {
        location = null;
        text = text.Trim();
        if (text.Length < 5 || text[0] != '(' || text[^1] != ')')
        {
            return false;
        }

        var inner = text[1..^1];
        var comma = inner.IndexOf(',');
        if (comma < 0
            || !TryParseCoordinate(inner[..comma], 90, out var lat)
            || !TryParseCoordinate(inner[(comma + 1)..], 180, out var lon))
        {
            return false;
        }

        location = KnownLocation(lat, lon);
        return true;
    }

    /// <summary>Parses a coordinate in degrees whose absolute value is at most <paramref name="limit"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static bool TryParseCoordinate(ReadOnlySpan<char> text, double limit, out double value) =>
        double.TryParse(text.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out value)
        && double.IsFinite(value) && Math.Abs(value) <= limit;

    /// <summary>The point, or <see langword="null"/> for LAPD's (0, 0) "unknown".</summary>
    public static GeoPoint? KnownLocation(double latitude, double longitude) =>
        latitude == 0 && longitude == 0 ? null : new GeoPoint(latitude, longitude);

    private static bool IsValidTimeOfDay(ReadOnlySpan<char> text)
    {
        var pos = 0;
        if (!Number(text, ref pos, 1, 2, out var hours) || !Expect(text, ref pos, ':') || !Number(text, ref pos, 2, 2, out var minutes))
        {
            return false;
        }

        var seconds = 0;
        if (pos < text.Length && text[pos] == ':')
        {
            pos++;
            if (!Number(text, ref pos, 2, 2, out seconds))
            {
                return false;
            }

            if (pos < text.Length && text[pos] == '.')
            {
                pos++;
                var digits = pos;
                while (pos < text.Length && char.IsAsciiDigit(text[pos]))
                {
                    pos++;
                }

                if (pos == digits)
                {
                    return false;
                }
            }
        }

        if (minutes > 59 || seconds > 59)
        {
            return false;
        }

        var rest = text[pos..];
        if (rest.IsEmpty || rest is "Z")
        {
            return hours <= 23;
        }

        if (rest.Equals(" AM", StringComparison.OrdinalIgnoreCase) || rest.Equals(" PM", StringComparison.OrdinalIgnoreCase))
        {
            return hours is >= 1 and <= 12;
        }

        return false;
    }

    private static bool Digits(ReadOnlySpan<char> text, int start, int count, out int value)
    {
        var pos = start;
        return Number(text, ref pos, count, count, out value);
    }

    private static bool Number(ReadOnlySpan<char> text, ref int pos, int minDigits, int maxDigits, out int value)
    {
        value = 0;
        var start = pos;
        while (pos < text.Length && pos - start < maxDigits && char.IsAsciiDigit(text[pos]))
        {
            value = (value * 10) + (text[pos] - '0');
            pos++;
        }

        return pos - start >= minDigits;
    }

    private static bool Expect(ReadOnlySpan<char> text, ref int pos, char c)
    {
        if (pos < text.Length && text[pos] == c)
        {
            pos++;
            return true;
        }

        return false;
    }
}
