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
        w.Text(DrNo, r.DrNumber);
        if (r.DateReported is { } reported)
        {
            w.Date(DateRptd, reported);
        }

        w.Date(DateOcc, r.DateOccurred);
        w.Time(TimeOcc, r.TimeOccurred);
        w.Text(Area, r.AreaId);
        w.Text(AreaName, r.AreaName);
        w.Optional(RptDistNo, r.ReportingDistrict);
        w.Optional(Part12, r.Part);
        w.Text(CrmCd, r.CrimeCode);
        w.Optional(CrmCdDesc, r.CrimeDescription);
        w.Optional(Mocodes, r.MoCodes);
        if (r.VictimAge is { } age)
        {
            w.Number(VictAge, age);
        }

        w.Optional(VictSex, r.VictimSex);
        w.Optional(VictDescent, r.VictimDescent);
        w.Optional(PremisCd, r.PremiseCode);
        w.Optional(PremisDesc, r.PremiseDescription);
        w.Optional(WeaponUsedCd, r.WeaponCode);
        w.Optional(WeaponDesc, r.WeaponDescription);
        w.Optional(Status, r.StatusCode);
        w.Optional(StatusDesc, r.StatusDescription);
        w.Optional(CrmCd1, r.CrimeCode1);
        w.Optional(CrmCd2, r.CrimeCode2);
        w.Optional(CrmCd3, r.CrimeCode3);
        w.Optional(CrmCd4, r.CrimeCode4);
        w.Optional(Location, r.Address);
        w.Optional(CrossStreet, r.CrossStreet);
        if (r.Location is { } p)
        {
            w.Number(Lat, p.Latitude);
            w.Number(Lon, p.Longitude);
        }

        w.Number(OfficerId, report.OfficerId);
        w.Timestamp(ReportTime, report.ReportTime);
        return w.End();
    }

    /// <summary>Writes properties into a buffer, as long as they are plain and fit; then the object, or nothing.</summary>
    private ref struct PlainWriter(Span<byte> buffer)
    {
        private readonly Span<byte> _buffer = buffer;
        private int _length;
        private bool _failed;

        public void Optional(JsonEncodedText name, string? value)
        {
            if (value is not null)
            {
                Text(name, value);
            }
        }

        public void Text(JsonEncodedText name, string value)
        {
            if (value.AsSpan().ContainsAnyExcept(PlainText))
            {
                _failed = true;
                return;
            }

            if (!Name(name, value.Length + 2))
            {
                return;
            }

            _buffer[_length++] = (byte)'"';
            _length += Encoding.ASCII.GetBytes(value, _buffer[_length..]);
            _buffer[_length++] = (byte)'"';
        }

        public void Number(JsonEncodedText name, int value)
        {
            if (Name(name, 11) && value.TryFormat(_buffer[_length..], out var written, default, CultureInfo.InvariantCulture))
            {
                _length += written;
            }
            else
            {
                _failed = true;
            }
        }

        public void Number(JsonEncodedText name, double value)
        {
            // As Utf8JsonWriter.WriteNumber: the shortest text that reads back as the same double.
            if (double.IsFinite(value) && Name(name, 32) && value.TryFormat(_buffer[_length..], out var written, default, CultureInfo.InvariantCulture))
            {
                _length += written;
            }
            else
            {
                _failed = true;
            }
        }

        // Dates and times by hand: the custom format strings the writer's path uses are parsed at every call.
        public void Date(JsonEncodedText name, DateOnly value)
        {
            if (!Name(name, 12))
            {
                return;
            }

            value.Deconstruct(out var year, out var month, out var day);
            _buffer[_length++] = (byte)'"';
            WriteDate(year, month, day);
            _buffer[_length++] = (byte)'"';
        }

        public void Time(JsonEncodedText name, TimeOnly value)
        {
            if (!Name(name, 10))
            {
                return;
            }

            _buffer[_length++] = (byte)'"';
            WriteTime(value.Hour, value.Minute, value.Second);
            _buffer[_length++] = (byte)'"';
        }

        // Whole seconds only (checked up front): Utf8JsonWriter writes the round-trip format without a zero fraction.
        public void Timestamp(JsonEncodedText name, DateTimeOffset value)
        {
            if (!Name(name, 27))
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

        /// <summary>
        /// Writes <c>,"name":</c> if it and <paramref name="valueBytes"/> more fit (with the closing brace); otherwise the
        /// whole report fails (a property left out would make a shorter report, not a plainer one).
        /// </summary>
        private bool Name(JsonEncodedText name, int valueBytes)
        {
            var encoded = name.EncodedUtf8Bytes;
            if (_failed || _length + encoded.Length + 4 + valueBytes + 1 >= _buffer.Length)
            {
                _failed = true;
                return false;
            }

            _buffer[_length++] = (byte)',';
            _buffer[_length++] = (byte)'"';
            encoded.CopyTo(_buffer[_length..]);
            _length += encoded.Length;
            _buffer[_length++] = (byte)'"';
            _buffer[_length++] = (byte)':';
            return true;
        }
    }
}
