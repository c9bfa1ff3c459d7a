using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;

namespace CrimeStreaming.Kafka;

/// <summary>The plain writer: what <see cref="Serialize"/> writes, byte for byte, for the reports most messages are.</summary>
public static partial class CrimeReportJson
{
    // Printable ASCII but the quote and the backslash: the only text JSON (with relaxed escaping) writes unchanged.
    private static readonly SearchValues<char> PlainText =
        SearchValues.Create(string.Concat(Enumerable.Range(0x20, 0x7F - 0x20).Select(c => (char)c).Where(c => c is not '"' and not '\\')));

    private static readonly byte[][] PropertyPrefixes =
        new[]
        {
            DrNo, DateRptd, DateOcc, TimeOcc, Area, AreaName, RptDistNo, Part12, CrmCd, CrmCdDesc, Mocodes, VictAge, VictSex, VictDescent, PremisCd,
            PremisDesc, WeaponUsedCd, WeaponDesc, Status, StatusDesc, CrmCd1, CrmCd2, CrmCd3, CrmCd4, Location, CrossStreet, Lat, Lon, OfficerId, ReportTime,
        }.Select(name => Encoding.UTF8.GetBytes($",\"{name}\":")).ToArray();

    [ThreadStatic]
    private static byte[]? t_plain;

    /// <summary>
    /// <paramref name="report"/> as <see cref="Utf8JsonWriter"/> writes it in <see cref="Serialize"/>, written directly
    /// into bytes; <see langword="null"/> when a text is not plain printable ASCII (it may need escaping or encoding) or
    /// a time has a fraction of a second, which the writer takes.
    /// </summary>
    /// <remarks>
    /// Serializing was a third of the replay thread's time in a run as fast as possible, most of it in the writer's
    /// escaping checks and transcoding, which plain ASCII does not need. Tests hold this path byte-equal to the writer.
    /// </remarks>
    internal static byte[]? TrySerializePlain(CrimeReport report)
    {
        var r = report.Record;
        if (r.TimeOccurred.Ticks % TimeSpan.TicksPerSecond != 0 || report.ReportTime.Ticks % TimeSpan.TicksPerSecond != 0)
        {
            return null;
        }

        var buffer = t_plain ??= new byte[4096];
        var w = new PlainWriter(buffer);
        w.Text(0, r.DrNumber);
        if (r.DateReported is { } reported)
        {
            w.Date(1, reported);
        }

        w.Date(2, r.DateOccurred);
        w.Time(3, r.TimeOccurred);
        w.Text(4, r.AreaId);
        w.Text(5, r.AreaName);
        w.Optional(6, r.ReportingDistrict);
        w.Optional(7, r.Part);
        w.Text(8, r.CrimeCode);
        w.Optional(9, r.CrimeDescription);
        w.Optional(10, r.MoCodes);
        if (r.VictimAge is { } age)
        {
            w.Number(11, age);
        }

        w.Optional(12, r.VictimSex);
        w.Optional(13, r.VictimDescent);
        w.Optional(14, r.PremiseCode);
        w.Optional(15, r.PremiseDescription);
        w.Optional(16, r.WeaponCode);
        w.Optional(17, r.WeaponDescription);
        w.Optional(18, r.StatusCode);
        w.Optional(19, r.StatusDescription);
        w.Optional(20, r.CrimeCode1);
        w.Optional(21, r.CrimeCode2);
        w.Optional(22, r.CrimeCode3);
        w.Optional(23, r.CrimeCode4);
        w.Optional(24, r.Address);
        w.Optional(25, r.CrossStreet);
        if (r.Location is { } p)
        {
            w.Number(26, p.Latitude);
            w.Number(27, p.Longitude);
        }

        w.Number(28, report.OfficerId);
        w.Timestamp(29, report.ReportTime);
        return w.End();
    }

    /// <summary>Writes properties into a buffer, as long as they are plain and fit; then the object, or nothing.</summary>
    private ref struct PlainWriter(Span<byte> buffer)
    {
        private readonly Span<byte> _buffer = buffer;
        private int _length;
        private bool _failed;

        public void Optional(int property, string? value)
        {
            if (value is not null)
            {
                Text(property, value);
            }
        }

        public void Text(int property, string value)
        {
            if (value.AsSpan().ContainsAnyExcept(PlainText) || !Name(property, value.Length + 2))
            {
                _failed = true;
                return;
            }

            _buffer[_length++] = (byte)'"';
            _length += Encoding.ASCII.GetBytes(value, _buffer[_length..]);
            _buffer[_length++] = (byte)'"';
        }

        public void Number(int property, int value)
        {
            if (Name(property, 11) && value.TryFormat(_buffer[_length..], out var written, default, CultureInfo.InvariantCulture))
            {
                _length += written;
            }
            else
            {
                _failed = true;
            }
        }

        public void Number(int property, double value)
        {
            // As Utf8JsonWriter.WriteNumber: the shortest text that reads back as the same double.
            if (double.IsFinite(value) && Name(property, 32) && value.TryFormat(_buffer[_length..], out var written, default, CultureInfo.InvariantCulture))
            {
                _length += written;
            }
            else
            {
                _failed = true;
            }
        }

        // Dates and times by hand: the custom format strings the writer's path uses are parsed at every call.
        public void Date(int property, DateOnly value)
        {
            if (!Name(property, 12))
            {
                return;
            }

            value.Deconstruct(out var year, out var month, out var day);
            _buffer[_length++] = (byte)'"';
            WriteDate(year, month, day);
            _buffer[_length++] = (byte)'"';
        }

        public void Time(int property, TimeOnly value)
        {
            if (!Name(property, 10))
            {
                return;
            }

            _buffer[_length++] = (byte)'"';
            WriteTime(value.Hour, value.Minute, value.Second);
            _buffer[_length++] = (byte)'"';
        }

        // Whole seconds only (checked up front): Utf8JsonWriter writes the round-trip format without a zero fraction.
        public void Timestamp(int property, DateTimeOffset value)
        {
            if (!Name(property, 27))
            {
                return;
            }

            var (date, time) = value.DateTime;
            date.Deconstruct(out var year, out var month, out var day);
            _buffer[_length++] = (byte)'"';
            WriteDate(year, month, day);
            _buffer[_length++] = (byte)'T';
            WriteTime(time.Hour, time.Minute, time.Second);
            var offset = (int)(value.Offset.Ticks / TimeSpan.TicksPerMinute);
            _buffer[_length++] = offset < 0 ? (byte)'-' : (byte)'+';
            offset = Math.Abs(offset);
            Digits(offset / 60, 2);
            _buffer[_length++] = (byte)':';
            Digits(offset % 60, 2);
            _buffer[_length++] = (byte)'"';
        }

        public byte[]? End()
        {
            if (_failed || _length == 0 || _length >= _buffer.Length)
            {
                return null;
            }

            _buffer[0] = (byte)'{'; // the first property's comma
            _buffer[_length++] = (byte)'}';
            return _buffer[.._length].ToArray();
        }

        private void WriteDate(int year, int month, int day)
        {
            Digits(year, 4);
            _buffer[_length++] = (byte)'-';
            Digits(month, 2);
            _buffer[_length++] = (byte)'-';
            Digits(day, 2);
        }

        private void WriteTime(int hour, int minute, int second)
        {
            Digits(hour, 2);
            _buffer[_length++] = (byte)':';
            Digits(minute, 2);
            _buffer[_length++] = (byte)':';
            Digits(second, 2);
        }

        /// <summary>Writes <paramref name="value"/> (not negative, fewer than <paramref name="count"/> + 1 digits) zero-padded to <paramref name="count"/> digits.</summary>
        private void Digits(int value, int count)
        {
            for (var i = _length + count - 1; i >= _length; i--)
            {
                _buffer[i] = (byte)('0' + (value % 10));
                value /= 10;
            }

            _length += count;
        }

        /// <summary>Writes <c>,"name":</c> if it and <paramref name="valueBytes"/> more fit (with the closing brace).</summary>
        private bool Name(int property, int valueBytes)
        {
            var prefix = PropertyPrefixes[property];
            if (_failed || _length + prefix.Length + valueBytes + 1 >= _buffer.Length)
            {
                return false;
            }

            prefix.CopyTo(_buffer[_length..]);
            _length += prefix.Length;
            return true;
        }
    }
}
