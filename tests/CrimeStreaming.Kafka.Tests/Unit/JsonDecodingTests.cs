using System.Buffers.Text;
using System.Globalization;
using System.Text;
using System.Text.Json;

namespace CrimeStreaming.Kafka.Tests.Unit;

/// <summary>
/// The decoder's fast paths (the compact reading of what <see cref="CrimeReportJson.Serialize"/> writes, the cached
/// strings, <c>report_time</c> and latitudes read from the bytes) must give exactly what reading with Utf8JsonReader
/// gives, results and errors alike.
/// </summary>
public sealed class JsonDecodingTests
{
    private const string Message =
        """{"dr_no":"010304468","date_rptd":"2020-01-08","date_occ":"2020-01-08","time_occ":"22:30:00","area":"03","area_name":"Southwest","rpt_dist_no":"0377","part_1_2":"2","crm_cd":"624","crm_cd_desc":"BATTERY - SIMPLE ASSAULT","mocodes":"0444 0913","vict_age":36,"vict_sex":"F","vict_descent":"B","premis_cd":"501","premis_desc":"SINGLE FAMILY DWELLING","weapon_used_cd":"400","weapon_desc":"STRONG-ARM (HANDS, FIST, FEET OR BODILY FORCE)","status":"AO","status_desc":"Adult Other","crm_cd_1":"624","location":"1100 W  39TH                         PL","lat":34.0141,"lon":-118.2978,"officer_id":3,"report_time":"2020-01-08T23:15:00-08:00"}""";

    [Theory]
    [InlineData("2020-01-08T23:15:00-08:00")]
    [InlineData("2020-03-08T03:30:00-07:00")]
    [InlineData("2020-01-08T23:15:00+00:00")]
    [InlineData("2020-01-08T23:15:00Z")]
    [InlineData("2020-01-08T23:15:00.5-08:00")]
    [InlineData("2020-01-08T23:15:00.25-07:00")]
    [InlineData("2020-01-08T23:15:00.1234567+00:00")]
    [InlineData("2020-01-08T23:15:00.0000001Z")]
    [InlineData("2020-01-08T23:15:00.9999999Z")]
    [InlineData("2000-02-29T23:59:59.999+05:30")]
    [InlineData("2020-12-31T00:00:00-00:00")]
    [InlineData("2020-06-30T12:00:00+13:45")]
    [InlineData("0002-01-01T00:00:00+13:59")]
    [InlineData("9998-12-31T23:59:59.9999999-13:59")]
    public void Report_time_as_Serialize_writes_it_is_read_from_the_bytes_as_DateTimeOffset_Parse_reads_it(string text)
    {
        var expected = DateTimeOffset.Parse(text, CultureInfo.InvariantCulture);

        CrimeReportJson.TryParseReportTime(Encoding.UTF8.GetBytes(text), out var value).Should().BeTrue();
        value.Ticks.Should().Be(expected.Ticks);
        value.Offset.Should().Be(expected.Offset);
        ReaderDateTimeOffset(text).Should().Be((expected.Ticks, expected.Offset));

        var back = CrimeReportJson.Deserialize(Encoding.UTF8.GetBytes(WithReportTime(text)));
        back.ReportTime.Ticks.Should().Be(expected.Ticks);
        back.ReportTime.Offset.Should().Be(expected.Offset);
    }

    [Fact]
    public void Report_time_written_by_Serialize_is_read_by_the_fast_path()
    {
        var times = new[]
        {
            new DateTimeOffset(2020, 1, 8, 23, 15, 0, TimeSpan.FromHours(-8)),
            new DateTimeOffset(2020, 3, 8, 3, 30, 0, TimeSpan.FromHours(-7)).AddTicks(1),
            new DateTimeOffset(2020, 3, 8, 3, 30, 0, TimeSpan.Zero).AddTicks(1_234_500),
            new DateTimeOffset(2000, 2, 29, 23, 59, 59, 999, TimeSpan.FromHours(5.5)),
        };
        foreach (var time in times)
        {
            var json = JsonDocument.Parse(CrimeReportJson.Serialize(Report(time))).RootElement.GetProperty("report_time").GetString()!;
            CrimeReportJson.TryParseReportTime(Encoding.UTF8.GetBytes(json), out var value).Should().BeTrue(json);
            value.Ticks.Should().Be(time.Ticks);
            value.Offset.Should().Be(time.Offset);
        }
    }

    [Theory]
    [InlineData("2020-01-08T23:15-08:00")]
    [InlineData("2020-01-08T23:15:00")]
    [InlineData("2020-01-08")]
    [InlineData("2020-01-08T23:15:00.12345678-08:00")]
    [InlineData("2020-01-08T23:15:00.-08:00")]
    [InlineData("2020-01-08T23:15:00+14:00")]
    [InlineData("2020-01-08T23:15:00+14:01")]
    [InlineData("2020-01-08T23:15:00+08")]
    [InlineData("2020-01-08T23:15:00+0800")]
    [InlineData("0001-01-01T00:00:00+01:00")]
    [InlineData("0001-01-01T00:00:00Z")]
    [InlineData("9999-12-31T23:59:59-01:00")]
    [InlineData("2020-02-30T00:00:00Z")]
    [InlineData("2020-01-08T24:00:00Z")]
    [InlineData("2020-01-08T23:15:60Z")]
    [InlineData("2020-01-08t23:15:00Z")]
    [InlineData("2020-01-08T23:15:00z")]
    [InlineData("2020-01-08 23:15:00Z")]
    [InlineData("yesterday")]
    public void Other_report_time_forms_are_left_to_the_general_parser(string text)
    {
        CrimeReportJson.TryParseReportTime(Encoding.UTF8.GetBytes(text), out _).Should().BeFalse();
        var json = Encoding.UTF8.GetBytes(WithReportTime(text));
        Outcome(() => CrimeReportJson.Deserialize(json)).Should().Be(Outcome(() => CrimeReportJson.DeserializeWithReader(json)));
    }

    [Fact]
    public async Task Every_report_of_the_real_sample_takes_the_compact_path_to_the_same_report()
    {
        foreach (var report in await KafkaTestData.SampleReports())
        {
            var json = CrimeReportJson.Serialize(report);
            CrimeReportJson.TryReadCompact(json, out var back).Should().BeTrue();
            back.Should().Be(report);
            back!.ReportTime.Offset.Should().Be(report.ReportTime.Offset);
            Outcome(() => back).Should().Be(Outcome(() => CrimeReportJson.DeserializeWithReader(json)));
        }
    }

    [Fact]
    public async Task The_compact_path_agrees_with_the_reader_on_every_damaged_copy_of_a_message()
    {
        // Every byte of two messages deleted, doubled, replaced by a character that matters to JSON or UTF-8, or
        // followed by a space; and every truncation. Each copy must decode as through Utf8JsonReader alone.
        var sample = (await KafkaTestData.SampleReports())[0];
        var unusualRecord = new CrimeRecord
        {
            DrNumber = "200100501", DateOccurred = new DateOnly(2020, 3, 8), TimeOccurred = new TimeOnly(1, 2, 3), AreaId = "01", AreaName = "Ñoño",
            CrimeCode = "998", CrimeCode2 = "998", CrimeCode3 = "999", CrossStreet = "CAFÉ", Location = new GeoPoint(-0.000001, 179.999999),
        };
        var unusual = new CrimeReport(unusualRecord, new DateTimeOffset(2020, 3, 8, 3, 30, 0, TimeSpan.FromHours(-7)).AddTicks(1_234_567), 7);
        byte[] replacements = [(byte)'"', (byte)'\\', (byte)' ', 0x00, 0x1F, 0x7F, (byte)'{', (byte)'}', (byte)'[', (byte)',', (byte)':', (byte)'0',
            (byte)'9', (byte)'-', (byte)'+', (byte)'.', (byte)'e', (byte)'n', (byte)'t', (byte)'Z', (byte)'T', 0xC3, 0x80, 0xFF];
        var checkedCopies = 0;
        foreach (var json in new[] { CrimeReportJson.Serialize(sample), CrimeReportJson.Serialize(unusual) })
        {
            CrimeReportJson.TryReadCompact(json, out _).Should().BeTrue();
            for (var i = 0; i < json.Length; i++)
            {
                Check([.. json[..i]]);
                Check([.. json[..i], .. json[(i + 1)..]]);
                Check([.. json[..i], json[i], .. json[i..]]);
                Check([.. json[..i], (byte)' ', .. json[i..]]);
                foreach (var b in replacements)
                {
                    var copy = (byte[])json.Clone();
                    copy[i] = b;
                    Check(copy);
                }
            }
        }

        checkedCopies.Should().BeGreaterThan(20_000);

        void Check(byte[] copy)
        {
            checkedCopies++;
            var expected = Outcome(() => CrimeReportJson.DeserializeWithReader(copy));
            var actual = Outcome(() => CrimeReportJson.Deserialize(copy));
            if (actual != expected)
            {
                actual.Should().Be(expected, Encoding.UTF8.GetString(copy));
            }
        }
    }

    [Theory]
    [InlineData("\"area\":\"03\"", "\"area\":\"\\u0030\\u0033\"")]
    [InlineData("\"area\":\"03\"", "\"area\":\"0\\\"3\"")]
    [InlineData("\"dr_no\":\"010304468\"", "\"dr_no\":\"\\u00d1\"")]
    [InlineData("\"dr_no\":\"010304468\"", "\"dr\\u005fno\":\"1\",\"dr_no\":\"2\"")]
    [InlineData("\"area\":\"03\"", "\"area\" : \"03\"")]
    [InlineData("{\"dr_no\"", " {\"dr_no\"")]
    [InlineData("\"area\":\"03\"", "\"area\":\"03\",\"area\":\"04\"")]
    [InlineData("\"area\":\"03\"", "\"area\":\"03\",\"area\":null")]
    [InlineData("\"area\":\"03\"", "\"area\":3")]
    [InlineData("\"area\":\"03\"", "\"area\":true")]
    [InlineData("\"vict_age\":36", "\"vict_age\":36.0")]
    [InlineData("\"vict_age\":36", "\"vict_age\":3.6e1")]
    [InlineData("\"vict_age\":36", "\"vict_age\":99999999999")]
    [InlineData("\"vict_age\":36", "\"vict_age\":\"36\"")]
    [InlineData("\"vict_age\":36", "\"vict_age\":null")]
    [InlineData("\"lat\":34.0141", "\"lat\":1E-06")]
    [InlineData("\"lat\":34.0141", "\"lat\":1e400")]
    [InlineData("\"lat\":34.0141", "\"lat\":0.1234567890123456789")]
    [InlineData("\"lat\":34.0141", "\"lat\":-0")]
    [InlineData("\"lat\":34.0141", "\"lat\":01")]
    [InlineData("\"lat\":34.0141", "\"lat\":.5")]
    [InlineData("\"lat\":34.0141", "\"lat\":null")]
    [InlineData("\"mocodes\":\"0444 0913\"", "\"extra\":{\"a\":[1,true,null,{}]}")]
    [InlineData("\"mocodes\":\"0444 0913\"", "\"extra\":false")]
    [InlineData("\"mocodes\":\"0444 0913\"", "\"extra\":nul")]
    [InlineData("\"mocodes\":\"0444 0913\"", "\"extra\":-1.5e+3")]
    [InlineData("\"time_occ\":\"22:30:00\"", "\"time_occ\":\"22:30:00.5\"")]
    [InlineData("\"time_occ\":\"22:30:00\"", "\"time_occ\":\"22:30\"")]
    [InlineData("\"time_occ\":\"22:30:00\"", "\"time_occ\":\"24:00:00\"")]
    [InlineData("\"date_occ\":\"2020-01-08\"", "\"date_occ\":\"2020-02-30\"")]
    [InlineData("\"date_occ\":\"2020-01-08\"", "\"date_occ\":\"+020-01-08\"")]
    [InlineData("\"date_occ\":\"2020-01-08\"", "\"date_occ\":\"0000-01-08\"")]
    [InlineData("\"officer_id\":3", "\"officer_id\":0")]
    [InlineData("\"lon\":-118.2978,", "")]
    [InlineData("\"2020-01-08T23:15:00-08:00\"}", "\"2020-01-08T23:15:00-08:00\"} trailing")]
    [InlineData("\"2020-01-08T23:15:00-08:00\"}", "\"2020-01-08T23:15:00-08:00\",}")]
    [InlineData("\"2020-01-08T23:15:00-08:00\"}", "\"2020-01-08T23:15:00-08:00\"")]
    public void Unusual_messages_decode_as_through_the_reader_alone(string original, string replacement)
    {
        Message.Should().Contain(original);
        var json = Encoding.UTF8.GetBytes(Message.Replace(original, replacement, StringComparison.Ordinal));

        Outcome(() => CrimeReportJson.Deserialize(json)).Should().Be(Outcome(() => CrimeReportJson.DeserializeWithReader(json)));
    }

    [Fact]
    public void The_unchanged_message_takes_the_compact_path()
    {
        CrimeReportJson.TryReadCompact(Encoding.UTF8.GetBytes(Message), out var report).Should().BeTrue();
        report!.Record.AreaId.Should().Be("03");
    }

    [Fact]
    public void Escaped_values_decode_correctly_and_do_not_leak_into_the_cache()
    {
        Decode("\"A\"").Should().Be("A");
        Decode("\"\\u0041\"").Should().Be("A");
        Decode("\"\\\\u0041\"").Should().Be("\\u0041");
        Decode("\"A\"").Should().Be("A");
        Decode("\"\\u0030\\u0033\"").Should().Be("03");
        Decode("\"03\"").Should().Be("03");
        Decode("\"0\\\"3\"").Should().Be("0\"3");

        static string Decode(string areaName) =>
            CrimeReportJson.Deserialize(Encoding.UTF8.GetBytes(Message.Replace("\"Southwest\"", areaName, StringComparison.Ordinal))).Record.AreaName;
    }

    [Fact]
    public void Low_cardinality_fields_share_one_string_across_messages_and_the_others_do_not()
    {
        var json = Encoding.UTF8.GetBytes(Message);
        var first = CrimeReportJson.Deserialize(json).Record;
        var second = CrimeReportJson.Deserialize(json).Record;

        second.AreaName.Should().BeSameAs(first.AreaName);
        second.CrimeDescription.Should().BeSameAs(first.CrimeDescription);
        second.WeaponDescription.Should().BeSameAs(first.WeaponDescription);
        second.StatusCode.Should().BeSameAs(first.StatusCode);
        second.DrNumber.Should().NotBeSameAs(first.DrNumber);
        second.Address.Should().NotBeSameAs(first.Address);
        second.Should().Be(first);
    }

    [Theory]
    [InlineData("{}", "not a crime report: missing dr_no, date_occ, time_occ, area, area_name, crm_cd, officer_id, report_time.")]
    [InlineData("{\"dr_no\":\"\",\"area\":null}", "not a crime report: missing dr_no, date_occ, time_occ, area, area_name, crm_cd, officer_id, report_time.")]
    [InlineData("[]", "not a crime report: a JSON object is expected.")]
    public void Errors_keep_their_messages(string json, string message)
    {
        FluentActions.Invoking(() => CrimeReportJson.Deserialize(Encoding.UTF8.GetBytes(json))).Should().Throw<FormatException>().WithMessage(message);
    }

    [Fact]
    public void A_latitude_without_longitude_is_reported_missing()
    {
        var json = Encoding.UTF8.GetBytes(Message.Replace("\"lon\":-118.2978,", "", StringComparison.Ordinal));
        CrimeReportJson.TryReadCompact(json, out _).Should().BeFalse();
        FluentActions.Invoking(() => CrimeReportJson.Deserialize(json)).Should().Throw<FormatException>().WithMessage("not a crime report: missing lon.");
    }

    [Fact]
    public void Short_decimals_are_the_doubles_Utf8Parser_reads()
    {
        var random = new Random(12);
        var texts = new List<string> { "0", "-0", "0.0", "-0.0", "34.0141", "-118.2978", "0.000001", "-0.000001", "179.999999", "999999999999999", "0.00000000000001", "1.5", "90", "-180" };
        for (var n = 0; n < 100_000; n++)
        {
            var digits = random.Next(1, 16);
            var text = new StringBuilder(random.Next(2) == 0 ? "-" : "");
            var integerDigits = random.Next(1, digits + 1);
            for (var i = 0; i < digits; i++)
            {
                if (i == integerDigits)
                {
                    text.Append('.');
                }

                text.Append((char)('0' + random.Next(10)));
            }

            texts.Add(text.ToString());
        }

        foreach (var text in texts)
        {
            var utf8 = Encoding.ASCII.GetBytes(text);
            Utf8Parser.TryParse(utf8, out double expected, out var consumed).Should().BeTrue();
            consumed.Should().Be(utf8.Length);
            CrimeReportJson.TryParseShortDecimal(utf8, out var value).Should().BeTrue(text);
            if (BitConverter.DoubleToInt64Bits(value) != BitConverter.DoubleToInt64Bits(expected))
            {
                value.Should().Be(expected, text);
                BitConverter.DoubleToInt64Bits(value).Should().Be(BitConverter.DoubleToInt64Bits(expected), $"{text}: the sign of zero");
            }
        }

        foreach (var text in new[] { "1e5", "1.5E-3", "1234567890123456", "0.1234567890123456", "", "-", "1.", "1..2", "+1", "0x10" })
        {
            CrimeReportJson.TryParseShortDecimal(Encoding.ASCII.GetBytes(text), out _).Should().BeFalse(text);
        }
    }

    private static string WithReportTime(string text) =>
        Message.Replace("\"report_time\":\"2020-01-08T23:15:00-08:00\"", $"\"report_time\":\"{text}\"", StringComparison.Ordinal);

    private static (long Ticks, TimeSpan Offset) ReaderDateTimeOffset(string text)
    {
        var reader = new Utf8JsonReader(Encoding.UTF8.GetBytes($"\"{text}\""));
        reader.Read();
        var value = reader.GetDateTimeOffset();
        return (value.Ticks, value.Offset);
    }

    /// <summary>A decode's result, every field and the exact doubles and offset included, or its error.</summary>
    private static string Outcome(Func<CrimeReport?> decode)
    {
        try
        {
            var report = decode()!;
            var location = report.Record.Location;
            return FormattableString.Invariant(
                $"{report} {report.ReportTime.Ticks} {report.ReportTime.Offset} {BitConverter.DoubleToInt64Bits(location?.Latitude ?? 0)} {BitConverter.DoubleToInt64Bits(location?.Longitude ?? 0)}");
        }
        catch (FormatException e)
        {
            return $"FormatException: {e.Message}";
        }
    }

    private static CrimeReport Report(DateTimeOffset time) => new(
        new CrimeRecord
        {
            DrNumber = "010304468", DateReported = new DateOnly(2020, 1, 9), DateOccurred = new DateOnly(2020, 1, 8), TimeOccurred = new TimeOnly(22, 30),
            AreaId = "03", AreaName = "Southwest", CrimeCode = "624", CrimeDescription = "BATTERY - SIMPLE ASSAULT", VictimAge = 36,
            Location = new GeoPoint(34.0141, -118.2978),
        },
        time,
        2);
}
