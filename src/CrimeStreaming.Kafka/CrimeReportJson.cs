using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;
using CrimeStreaming.Shared;

namespace CrimeStreaming.Kafka;

/// <summary>
/// The topic's message format: a <see cref="CrimeReport"/> as one flat JSON object, written with System.Text.Json's
/// <see cref="Utf8JsonWriter"/> directly, and read in one pass over the UTF-8 bytes when laid out as written here, with
/// <see cref="Utf8JsonReader"/> otherwise (no reflection, no intermediate object).
/// </summary>
/// <remarks>
/// <para>Field names follow the LAPD columns in snake_case and are a stable contract: <c>dr_no</c>, <c>date_rptd</c>,
/// <c>date_occ</c>, <c>time_occ</c>, <c>area</c>, <c>area_name</c>, <c>rpt_dist_no</c>, <c>part_1_2</c>, <c>crm_cd</c>,
/// <c>crm_cd_desc</c>, <c>mocodes</c>, <c>vict_age</c>, <c>vict_sex</c>, <c>vict_descent</c>, <c>premis_cd</c>,
/// <c>premis_desc</c>, <c>weapon_used_cd</c>, <c>weapon_desc</c>, <c>status</c>, <c>status_desc</c>, <c>crm_cd_1</c> to
/// <c>crm_cd_4</c>, <c>location</c> (the address), <c>cross_street</c>, <c>lat</c>, <c>lon</c>, <c>officer_id</c>,
/// <c>report_time</c>.</para>
/// <para>Dates are <c>yyyy-MM-dd</c>, <c>time_occ</c> is <c>HH:mm:ss</c> (with a fraction only if it has one),
/// <c>report_time</c> is ISO 8601 with its UTC offset; codes are strings (leading zeros kept); absent values are
/// omitted; an unknown location has no <c>lat</c>/<c>lon</c>. Unknown fields are ignored when reading.</para>
/// </remarks>
public static partial class CrimeReportJson
{
    private static readonly JsonEncodedText DrNo = JsonEncodedText.Encode("dr_no");
    private static readonly JsonEncodedText DateRptd = JsonEncodedText.Encode("date_rptd");
    private static readonly JsonEncodedText DateOcc = JsonEncodedText.Encode("date_occ");
    private static readonly JsonEncodedText TimeOcc = JsonEncodedText.Encode("time_occ");
    private static readonly JsonEncodedText Area = JsonEncodedText.Encode("area");
    private static readonly JsonEncodedText AreaName = JsonEncodedText.Encode("area_name");
    private static readonly JsonEncodedText RptDistNo = JsonEncodedText.Encode("rpt_dist_no");
    private static readonly JsonEncodedText Part12 = JsonEncodedText.Encode("part_1_2");
    private static readonly JsonEncodedText CrmCd = JsonEncodedText.Encode("crm_cd");
    private static readonly JsonEncodedText CrmCdDesc = JsonEncodedText.Encode("crm_cd_desc");
    private static readonly JsonEncodedText Mocodes = JsonEncodedText.Encode("mocodes");
    private static readonly JsonEncodedText VictAge = JsonEncodedText.Encode("vict_age");
    private static readonly JsonEncodedText VictSex = JsonEncodedText.Encode("vict_sex");
    private static readonly JsonEncodedText VictDescent = JsonEncodedText.Encode("vict_descent");
    private static readonly JsonEncodedText PremisCd = JsonEncodedText.Encode("premis_cd");
    private static readonly JsonEncodedText PremisDesc = JsonEncodedText.Encode("premis_desc");
    private static readonly JsonEncodedText WeaponUsedCd = JsonEncodedText.Encode("weapon_used_cd");
    private static readonly JsonEncodedText WeaponDesc = JsonEncodedText.Encode("weapon_desc");
    private static readonly JsonEncodedText Status = JsonEncodedText.Encode("status");
    private static readonly JsonEncodedText StatusDesc = JsonEncodedText.Encode("status_desc");
    private static readonly JsonEncodedText CrmCd1 = JsonEncodedText.Encode("crm_cd_1");
    private static readonly JsonEncodedText CrmCd2 = JsonEncodedText.Encode("crm_cd_2");
    private static readonly JsonEncodedText CrmCd3 = JsonEncodedText.Encode("crm_cd_3");
    private static readonly JsonEncodedText CrmCd4 = JsonEncodedText.Encode("crm_cd_4");
    private static readonly JsonEncodedText Location = JsonEncodedText.Encode("location");
    private static readonly JsonEncodedText CrossStreet = JsonEncodedText.Encode("cross_street");
    private static readonly JsonEncodedText Lat = JsonEncodedText.Encode("lat");
    private static readonly JsonEncodedText Lon = JsonEncodedText.Encode("lon");
    private static readonly JsonEncodedText OfficerId = JsonEncodedText.Encode("officer_id");
    private static readonly JsonEncodedText ReportTime = JsonEncodedText.Encode("report_time");

    /// <summary>
    /// The properties in the order <see cref="Serialize"/> writes them, each as <c>"name":</c>: the compact path of
    /// <see cref="Deserialize"/> expects them in this order (a field absent is skipped over; any other order is only
    /// slower). Declared after the names, which its initializer reads.
    /// </summary>
    private static readonly ExpectedProperty[] WriteOrder =
    [
        .. new[]
        {
            DrNo, DateRptd, DateOcc, TimeOcc, Area, AreaName, RptDistNo, Part12, CrmCd, CrmCdDesc, Mocodes, VictAge, VictSex, VictDescent, PremisCd,
            PremisDesc, WeaponUsedCd, WeaponDesc, Status, StatusDesc, CrmCd1, CrmCd2, CrmCd3, CrmCd4, Location, CrossStreet, Lat, Lon, OfficerId, ReportTime,
        }.Select(name => new ExpectedProperty([(byte)'"', .. name.EncodedUtf8Bytes, (byte)'"', (byte)':'], Lookup(name.EncodedUtf8Bytes))),
    ];

    /// <summary>The strings of the low-cardinality fields (codes, descriptions, area names), shared by every reading thread.</summary>
    private static readonly StringCache RepeatedValues = new();

    [ThreadStatic]
    private static ArrayBufferWriter<byte>? t_buffer;

    [ThreadStatic]
    private static Utf8JsonWriter? t_writer;

    /// <summary>UTF-8 JSON of <paramref name="report"/>.</summary>
    public static byte[] Serialize(CrimeReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        return TrySerializePlain(report) ?? SerializeWithWriter(report);
    }

    /// <summary><see cref="Serialize"/> through <see cref="Utf8JsonWriter"/> only: the reference the plain writer agrees with.</summary>
    internal static byte[] SerializeWithWriter(CrimeReport report)
    {
        var buffer = t_buffer ??= new ArrayBufferWriter<byte>(1024);
        buffer.ResetWrittenCount();
        // Relaxed escaping keeps "&", "+" and non-ASCII readable for other consumers (kcat); the JSON is never embedded in HTML.
        var w = t_writer ??= new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping, SkipValidation = true });
        w.Reset(buffer);
        var r = report.Record;
        Span<char> text = stackalloc char[40];
        w.WriteStartObject();
        w.WriteString(DrNo, r.DrNumber);
        if (r.DateReported is { } reported)
        {
            w.WriteString(DateRptd, Format(reported, text));
        }

        w.WriteString(DateOcc, Format(r.DateOccurred, text));
        w.WriteString(TimeOcc, Format(r.TimeOccurred, text));
        w.WriteString(Area, r.AreaId);
        w.WriteString(AreaName, r.AreaName);
        Optional(w, RptDistNo, r.ReportingDistrict);
        Optional(w, Part12, r.Part);
        w.WriteString(CrmCd, r.CrimeCode);
        Optional(w, CrmCdDesc, r.CrimeDescription);
        Optional(w, Mocodes, r.MoCodes);
        if (r.VictimAge is { } age)
        {
            w.WriteNumber(VictAge, age);
        }

        Optional(w, VictSex, r.VictimSex);
        Optional(w, VictDescent, r.VictimDescent);
        Optional(w, PremisCd, r.PremiseCode);
        Optional(w, PremisDesc, r.PremiseDescription);
        Optional(w, WeaponUsedCd, r.WeaponCode);
        Optional(w, WeaponDesc, r.WeaponDescription);
        Optional(w, Status, r.StatusCode);
        Optional(w, StatusDesc, r.StatusDescription);
        Optional(w, CrmCd1, r.CrimeCode1);
        Optional(w, CrmCd2, r.CrimeCode2);
        Optional(w, CrmCd3, r.CrimeCode3);
        Optional(w, CrmCd4, r.CrimeCode4);
        Optional(w, Location, r.Address);
        Optional(w, CrossStreet, r.CrossStreet);
        if (r.Location is { } p)
        {
            w.WriteNumber(Lat, p.Latitude);
            w.WriteNumber(Lon, p.Longitude);
        }

        w.WriteNumber(OfficerId, report.OfficerId);
        w.WriteString(ReportTime, report.ReportTime);
        w.WriteEndObject();
        w.Flush();
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>Reads a report back.</summary>
    /// <exception cref="FormatException">The bytes are not a report: invalid JSON, a value of the wrong type, or a required field missing.</exception>
    public static CrimeReport Deserialize(ReadOnlySpan<byte> utf8Json)
    {
        // A message as Serialize writes it takes the compact path; whatever that path does not recognise is read again
        // with Utf8JsonReader, which decides the result or the error.
        try
        {
            return TryReadCompact(utf8Json, out var report) ? report : ReadWithReader(utf8Json);
        }
        catch (Exception e) when (IsFormatError(e))
        {
            throw NotAReport(e);
        }
    }

    /// <summary><see cref="Deserialize"/> through <see cref="Utf8JsonReader"/> only: the reference the compact path agrees with.</summary>
    internal static CrimeReport DeserializeWithReader(ReadOnlySpan<byte> utf8Json)
    {
        try
        {
            return ReadWithReader(utf8Json);
        }
        catch (Exception e) when (IsFormatError(e))
        {
            throw NotAReport(e);
        }
    }

    private static bool IsFormatError(Exception e) => e is JsonException or InvalidOperationException or FormatException or OverflowException or ArgumentException;

    private static FormatException NotAReport(Exception e) => new($"not a crime report: {e.Message}", e);

    private static CrimeReport ReadWithReader(ReadOnlySpan<byte> utf8Json)
    {
        var reader = new Utf8JsonReader(utf8Json);
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            throw new FormatException("a JSON object is expected.");
        }

        var values = default(ReportValues);
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var field = Lookup(reader.ValueSpan);
            reader.Read();
            if (reader.TokenType == JsonTokenType.Null)
            {
                continue;
            }

            switch (field)
            {
                case < FirstRepeated: values.Text[(int)field] = reader.GetString(); break;
                case <= LastText: values.Text[(int)field] = ReadRepeated(ref reader); break;
                case Field.VictAge: values.Age = reader.GetInt32(); break;
                case Field.Lat: values.Lat = reader.GetDouble(); break;
                case Field.Lon: values.Lon = reader.GetDouble(); break;
                case Field.OfficerId: values.Officer = reader.GetInt32(); break;
                case Field.ReportTime: values.ReportTime = ReadReportTime(ref reader); break;
                case Field.DateRptd: values.DateReported = ReadDate(ref reader); break;
                case Field.DateOcc: values.DateOccurred = ReadDate(ref reader); break;
                case Field.TimeOcc: values.TimeOccurred = ReadTime(ref reader); break;
                default: reader.Skip(); break;
            }
        }

        if (reader.TokenType != JsonTokenType.EndObject)
        {
            throw new FormatException("the JSON object is not well formed.");
        }

        return values.IsComplete ? values.Create() : throw values.Missing();
    }

    /// <summary>
    /// A string of a field that repeats a few hundred values at most: the cached instance when these bytes were read
    /// before, without allocating. Escaped values, and anything but a string, go through <see cref="Utf8JsonReader.GetString"/>
    /// (which also decodes a value the first time, so its errors are unchanged).
    /// </summary>
    private static string? ReadRepeated(ref Utf8JsonReader reader)
    {
        if (reader.TokenType != JsonTokenType.String || reader.ValueIsEscaped || reader.HasValueSequence)
        {
            return reader.GetString();
        }

        var utf8 = reader.ValueSpan;
        if (RepeatedValues.TryGet(utf8, out var cached))
        {
            return cached;
        }

        var value = reader.GetString()!;
        RepeatedValues.TryAdd(utf8, value);
        return value;
    }

    private static DateTimeOffset ReadReportTime(ref Utf8JsonReader reader) =>
        reader.TokenType == JsonTokenType.String && !reader.ValueIsEscaped && !reader.HasValueSequence && TryParseReportTime(reader.ValueSpan, out var value)
            ? value
            : reader.GetDateTimeOffset();

    /// <summary>
    /// <c>report_time</c> as <see cref="Serialize"/> writes it, read from the UTF-8 bytes: <c>yyyy-MM-ddTHH:mm:ss</c>, an
    /// optional fraction of 1 to 7 digits, then <c>Z</c> or <c>±HH:mm</c>. Anything else (no seconds, no offset, more
    /// digits, a year at the edge of the range…) is left to <see cref="Utf8JsonReader.GetDateTimeOffset"/>, which gives
    /// the same value for what this accepts.
    /// </summary>
    internal static bool TryParseReportTime(ReadOnlySpan<byte> v, out DateTimeOffset value)
    {
        value = default;
        if (v.Length < 20 || v[4] != '-' || v[7] != '-' || v[10] != 'T' || v[13] != ':' || v[16] != ':'
            || !TwoDigits(v, 0, out var century) || !TwoDigits(v, 2, out var yearOfCentury) || !TwoDigits(v, 5, out var month) || !TwoDigits(v, 8, out var day)
            || !TwoDigits(v, 11, out var hour) || !TwoDigits(v, 14, out var minute) || !TwoDigits(v, 17, out var second))
        {
            return false;
        }

        var year = (century * 100) + yearOfCentury;
        // Years 1 and 9999 could leave the range once the offset is applied: the general parser decides.
        if (year is < 2 or > 9998 || month is < 1 or > 12 || day < 1 || day > DateTime.DaysInMonth(year, month) || hour > 23 || minute > 59 || second > 59)
        {
            return false;
        }

        var i = 19;
        long fraction = 0;
        if (v[i] == '.')
        {
            var start = ++i;
            while (i < v.Length && i - start < 8 && (uint)(v[i] - '0') <= 9)
            {
                fraction = (fraction * 10) + (v[i] - '0');
                i++;
            }

            var digits = i - start;
            if (digits is 0 or > 7)
            {
                return false;
            }

            for (; digits < 7; digits++)
            {
                fraction *= 10;
            }
        }

        long offsetMinutes;
        if (i == v.Length - 1 && v[i] == 'Z')
        {
            offsetMinutes = 0;
        }
        else if (i == v.Length - 6 && v[i] is (byte)'+' or (byte)'-' && v[i + 3] == ':' && TwoDigits(v, i + 1, out var offsetHours) && TwoDigits(v, i + 4, out var minutes)
            && offsetHours < 14 && minutes < 60)
        {
            offsetMinutes = ((offsetHours * 60) + minutes) * (v[i] == '-' ? -1 : 1);
        }
        else
        {
            return false;
        }

        var ticks = new DateTime(year, month, day, hour, minute, second).Ticks + fraction;
        value = new DateTimeOffset(ticks, new TimeSpan(offsetMinutes * TimeSpan.TicksPerMinute));
        return true;
    }

    /// <summary><c>yyyy-MM-dd</c>, digits only and a valid date; anything else is left to <see cref="ReadDate"/>.</summary>
    private static bool TryParseDate(ReadOnlySpan<byte> v, out DateOnly date)
    {
        date = default;
        if (v.Length != 10 || v[4] != '-' || v[7] != '-'
            || !TwoDigits(v, 0, out var century) || !TwoDigits(v, 2, out var yearOfCentury) || !TwoDigits(v, 5, out var month) || !TwoDigits(v, 8, out var day))
        {
            return false;
        }

        var year = (century * 100) + yearOfCentury;
        if (year < 1 || month is < 1 or > 12 || day < 1 || day > DateTime.DaysInMonth(year, month))
        {
            return false;
        }

        date = new DateOnly(year, month, day);
        return true;
    }

    /// <summary><c>HH:mm:ss</c>, digits only and a valid time; anything else is left to <see cref="ReadTime"/>.</summary>
    private static bool TryParseTime(ReadOnlySpan<byte> v, out TimeOnly time)
    {
        time = default;
        if (v.Length != 8 || v[2] != ':' || v[5] != ':' || !TwoDigits(v, 0, out var hours) || !TwoDigits(v, 3, out var minutes) || !TwoDigits(v, 6, out var seconds)
            || hours > 23 || minutes > 59 || seconds > 59)
        {
            return false;
        }

        time = new TimeOnly(hours, minutes, seconds);
        return true;
    }

    private static bool TwoDigits(ReadOnlySpan<byte> v, int at, out int value)
    {
        var tens = (uint)(v[at] - '0');
        var ones = (uint)(v[at + 1] - '0');
        value = (int)((tens * 10) + ones);
        return tens <= 9 && ones <= 9;
    }

    private static DateOnly ReadDate(ref Utf8JsonReader reader)
    {
        // yyyy-MM-dd, read from the UTF-8 bytes without a string.
        var v = reader.ValueSpan;
        if (reader.TokenType != JsonTokenType.String || reader.ValueIsEscaped || v.Length != 10 || v[4] != '-' || v[7] != '-'
            || !System.Buffers.Text.Utf8Parser.TryParse(v[..4], out int year, out var a) || a != 4
            || !System.Buffers.Text.Utf8Parser.TryParse(v.Slice(5, 2), out int month, out var b) || b != 2
            || !System.Buffers.Text.Utf8Parser.TryParse(v.Slice(8, 2), out int day, out var c) || c != 2)
        {
            return DateOnly.ParseExact(reader.GetString()!, "yyyy-MM-dd", CultureInfo.InvariantCulture);
        }

        return new DateOnly(year, month, day);
    }

    private static TimeOnly ReadTime(ref Utf8JsonReader reader)
    {
        // HH:mm:ss fast; anything else (fractions) through the general parser.
        var v = reader.ValueSpan;
        if (reader.TokenType != JsonTokenType.String || reader.ValueIsEscaped || v.Length != 8 || v[2] != ':' || v[5] != ':'
            || !System.Buffers.Text.Utf8Parser.TryParse(v[..2], out int hours, out var a) || a != 2
            || !System.Buffers.Text.Utf8Parser.TryParse(v.Slice(3, 2), out int minutes, out var b) || b != 2
            || !System.Buffers.Text.Utf8Parser.TryParse(v.Slice(6, 2), out int seconds, out var c) || c != 2)
        {
            return TimeOnly.Parse(reader.GetString()!, CultureInfo.InvariantCulture);
        }

        return new TimeOnly(hours, minutes, seconds);
    }

    private static void Optional(Utf8JsonWriter w, JsonEncodedText name, string? value)
    {
        if (value is not null)
        {
            w.WriteString(name, value);
        }
    }

    private static ReadOnlySpan<char> Format(DateOnly date, Span<char> buffer) =>
        date.TryFormat(buffer, out var n, "yyyy-MM-dd", CultureInfo.InvariantCulture) ? buffer[..n] : throw new FormatException();

    private static ReadOnlySpan<char> Format(TimeOnly time, Span<char> buffer) =>
        time.TryFormat(buffer, out var n, time.Ticks % TimeSpan.TicksPerSecond == 0 ? "HH:mm:ss" : "HH:mm:ss.FFFFFFF", CultureInfo.InvariantCulture) ? buffer[..n] : throw new FormatException();
}
