using System.Buffers.Text;
using System.Diagnostics.CodeAnalysis;
using System.Numerics;
using System.Runtime.Intrinsics;
using System.Text;
using System.Text.Unicode;

namespace CrimeStreaming.Kafka;

// The fast path of Deserialize: one pass over a message laid out the way Serialize writes it, without Utf8JsonReader.
// (Plain comments, not XML docs: those of every part of a partial type end up in the public type's documentation.)
//
// Why: the reader's tokenizer alone takes most of a whole decode through it (about 550 of 1,000 ns for a 630-byte
// message), and the topic's messages all come from Serialize: one flat object, no whitespace, strings without escapes,
// numbers and null.
//
// It only reads what it fully recognises and never decides an error: on anything else (whitespace, an escape, a control
// character, true/false, an object or array, a number or date it does not take, invalid UTF-8, a value of the wrong type,
// a missing field...) it gives up, and Deserialize reads the message again with the reader, whose result or error is the
// answer. What it accepts, the reader accepts with the same values: the same number parser (Utf8Parser) or an exact
// shortcut for short decimals, strings decoded as the reader decodes them (after checking the UTF-8 its decoding would
// reject), dates and times only in the plain forms the reader path reads the same way. JsonDecodingTests compares both
// on every damaged copy of real messages.
public static partial class CrimeReportJson
{
    /// <summary>The report in a compact message, or <see langword="false"/> to leave the message to the reader.</summary>
    internal static bool TryReadCompact(ReadOnlySpan<byte> json, [NotNullWhen(true)] out CrimeReport? report)
    {
        report = null;
        if (json.IsEmpty || json[0] != '{')
        {
            return false;
        }

        var values = default(ReportValues);
        var i = 1;
        var expected = 0;
        while (true)
        {
            if (!TryMatchExpected(json, ref i, ref expected, out var field))
            {
                if (!TryScanString(json, ref i, out var name) || (uint)i >= (uint)json.Length || json[i] != ':')
                {
                    return false;
                }

                i++;
                field = Lookup(name);
            }

            if (!TryScanValue(json, ref i, field, ref values) || (uint)i >= (uint)json.Length)
            {
                return false;
            }

            var next = json[i++];
            if (next == '}')
            {
                break;
            }

            if (next != ',')
            {
                return false;
            }
        }

        if (!values.IsComplete)
        {
            return false;
        }

        report = values.Create();
        return true;
    }

    /// <summary>
    /// The property at <paramref name="i"/> when it is one of those <see cref="Serialize"/> writes from
    /// <paramref name="expected"/> on, in its order: one comparison of <c>"name":</c> instead of a scan and a lookup.
    /// </summary>
    private static bool TryMatchExpected(ReadOnlySpan<byte> json, ref int i, ref int expected, out Field field)
    {
        var rest = json[i..];
        var order = WriteOrder;
        for (var k = expected; k < order.Length; k++)
        {
            if (rest.StartsWith(order[k].QuotedName))
            {
                field = order[k].Field;
                i += order[k].QuotedName.Length;
                expected = k + 1;
                return true;
            }
        }

        field = Field.Unknown;
        return false;
    }

    /// <summary>A string without escapes or control characters at <paramref name="i"/>; <paramref name="i"/> moves past it.</summary>
    private static bool TryScanString(ReadOnlySpan<byte> json, ref int i, out ReadOnlySpan<byte> text)
    {
        text = default;
        if ((uint)i >= (uint)json.Length || json[i] != '"')
        {
            return false;
        }

        var rest = json[(i + 1)..];
        var end = IndexOfStringStop(rest);
        if (end < 0 || rest[end] != '"')
        {
            return false;
        }

        text = rest[..end];
        i += end + 2;
        return true;
    }

    /// <summary>The value at <paramref name="i"/>, stored in <paramref name="values"/> as <paramref name="field"/> takes it.</summary>
    private static bool TryScanValue(ReadOnlySpan<byte> json, ref int i, Field field, ref ReportValues values)
    {
        if ((uint)i >= (uint)json.Length)
        {
            return false;
        }

        switch (json[i])
        {
            case (byte)'"':
                return TryScanString(json, ref i, out var text) && TrySetText(field, text, ref values);
            case (byte)'n':
                // null: the field is skipped, as the reader path does.
                if (!json[i..].StartsWith("null"u8))
                {
                    return false;
                }

                i += 4;
                return true;
            default:
                var start = i;
                return TryScanNumber(json, ref i) && TrySetNumber(field, json[start..i], ref values);
        }
    }

    private static bool TrySetText(Field field, ReadOnlySpan<byte> text, ref ReportValues values)
    {
        switch (field)
        {
            case < FirstRepeated when TryDecode(text, out var decoded):
                values.Text[(int)field] = decoded;
                return true;
            case >= FirstRepeated and <= LastText:
                if (!RepeatedValues.TryGet(text, out var cached))
                {
                    if (!TryDecode(text, out cached))
                    {
                        return false;
                    }

                    RepeatedValues.TryAdd(text, cached);
                }

                values.Text[(int)field] = cached;
                return true;
            case Field.ReportTime when TryParseReportTime(text, out var reportTime):
                values.ReportTime = reportTime;
                return true;
            case Field.DateRptd when TryParseDate(text, out var reported):
                values.DateReported = reported;
                return true;
            case Field.DateOcc when TryParseDate(text, out var occurred):
                values.DateOccurred = occurred;
                return true;
            case Field.TimeOcc when TryParseTime(text, out var time):
                values.TimeOccurred = time;
                return true;
            case Field.Unknown:
                return true;
            default:
                return false;
        }
    }

    private static bool TrySetNumber(Field field, ReadOnlySpan<byte> number, ref ReportValues values)
    {
        // The parsers and checks of Utf8JsonReader.GetInt32 and GetDouble.
        switch (field)
        {
            case Field.VictAge when Utf8Parser.TryParse(number, out int age, out var n) && n == number.Length:
                values.Age = age;
                return true;
            case Field.OfficerId when Utf8Parser.TryParse(number, out int officer, out var n) && n == number.Length:
                values.Officer = officer;
                return true;
            case Field.Lat when TryParseDouble(number, out var lat):
                values.Lat = lat;
                return true;
            case Field.Lon when TryParseDouble(number, out var lon):
                values.Lon = lon;
                return true;
            case Field.Unknown:
                return true;
            default:
                return false;
        }
    }

    /// <summary>
    /// The string <see cref="System.Text.Json.Utf8JsonReader.GetString"/> gives for bytes without escapes, or
    /// <see langword="false"/> where it would throw (invalid UTF-8). ASCII, the usual case, is widened directly.
    /// </summary>
    private static bool TryDecode(ReadOnlySpan<byte> utf8, [NotNullWhen(true)] out string? value)
    {
        if (Ascii.IsValid(utf8))
        {
            value = Encoding.Latin1.GetString(utf8);
            return true;
        }

        value = Utf8.IsValid(utf8) ? Encoding.UTF8.GetString(utf8) : null;
        return value is not null;
    }

    /// <summary>A double as <see cref="System.Text.Json.Utf8JsonReader.GetDouble"/> reads it.</summary>
    private static bool TryParseDouble(ReadOnlySpan<byte> number, out double value) =>
        TryParseShortDecimal(number, out value) || (Utf8Parser.TryParse(number, out value, out var n) && n == number.Length);

    /// <summary>
    /// A JSON number of at most 15 digits and no exponent, such as a latitude (<c>-118.2978</c>): its digits as an
    /// integer, divided by the power of ten of its decimals. Both are exact doubles (under 2^53 and at most 10^15), so
    /// the one rounding of the division gives the correctly rounded value, the one any exact parser gives.
    /// </summary>
    internal static bool TryParseShortDecimal(ReadOnlySpan<byte> number, out double value)
    {
        value = 0;
        var negative = !number.IsEmpty && number[0] == '-';
        var digits = 0;
        var decimals = -1;
        var mantissa = 0L;
        for (var i = negative ? 1 : 0; i < number.Length; i++)
        {
            var b = number[i];
            if (IsDigit(b))
            {
                mantissa = (mantissa * 10) + (b - '0');
                digits++;
                if (decimals >= 0)
                {
                    decimals++;
                }
            }
            else if (b == '.' && decimals < 0)
            {
                decimals = 0;
            }
            else
            {
                return false;
            }
        }

        if (digits is 0 or > 15 || decimals == 0)
        {
            return false;
        }

        var magnitude = decimals > 0 ? mantissa / PowersOfTen[decimals] : mantissa;
        value = negative ? -magnitude : magnitude;
        return true;
    }

    private static ReadOnlySpan<double> PowersOfTen => [1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15];

    /// <summary>A JSON number at <paramref name="i"/> (<c>-?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)?</c>); <paramref name="i"/> moves past it.</summary>
    private static bool TryScanNumber(ReadOnlySpan<byte> json, ref int i)
    {
        var j = i;
        if (j < json.Length && json[j] == '-')
        {
            j++;
        }

        if (j >= json.Length || !IsDigit(json[j]))
        {
            return false;
        }

        if (json[j++] != '0')
        {
            SkipDigits(json, ref j);
        }

        if (j < json.Length && json[j] == '.')
        {
            j++;
            if (!SkipDigits(json, ref j))
            {
                return false;
            }
        }

        if (j < json.Length && json[j] is (byte)'e' or (byte)'E')
        {
            j++;
            if (j < json.Length && json[j] is (byte)'+' or (byte)'-')
            {
                j++;
            }

            if (!SkipDigits(json, ref j))
            {
                return false;
            }
        }

        i = j;
        return true;

        static bool SkipDigits(ReadOnlySpan<byte> json, ref int j)
        {
            var start = j;
            while (j < json.Length && IsDigit(json[j]))
            {
                j++;
            }

            return j > start;
        }
    }

    /// <summary>
    /// The first quote, backslash or control character: the end of a string, or what the compact path leaves to the
    /// reader. Strings are short (most under 16 bytes), where a general IndexOfAny costs more in setting up than in
    /// searching: 16 bytes at a time here.
    /// </summary>
    private static int IndexOfStringStop(ReadOnlySpan<byte> s)
    {
        var i = 0;
        if (Vector128.IsHardwareAccelerated)
        {
            var quote = Vector128.Create((byte)'"');
            var backslash = Vector128.Create((byte)'\\');
            var space = Vector128.Create((byte)' ');
            for (; i <= s.Length - Vector128<byte>.Count; i += Vector128<byte>.Count)
            {
                var v = Vector128.Create(s.Slice(i, Vector128<byte>.Count));
                var stops = (Vector128.Equals(v, quote) | Vector128.Equals(v, backslash) | Vector128.LessThan(v, space)).ExtractMostSignificantBits();
                if (stops != 0)
                {
                    return i + BitOperations.TrailingZeroCount(stops);
                }
            }
        }

        for (; i < s.Length; i++)
        {
            if (s[i] is (byte)'"' or (byte)'\\' or < (byte)' ')
            {
                return i;
            }
        }

        return -1;
    }

    private static bool IsDigit(byte b) => (uint)(b - '0') <= 9;

    /// <summary>A property of <see cref="WriteOrder"/>: <c>"name":</c> and its field.</summary>
    private readonly record struct ExpectedProperty(byte[] QuotedName, Field Field);
}
