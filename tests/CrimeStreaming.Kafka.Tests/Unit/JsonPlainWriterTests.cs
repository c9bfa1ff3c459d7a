using System.Text;

namespace CrimeStreaming.Kafka.Tests.Unit;

/// <summary>
/// The plain writer (<see cref="CrimeReportJson.TrySerializePlain"/>) must write exactly the bytes Utf8JsonWriter
/// writes (<see cref="CrimeReportJson.SerializeWithWriter"/>), and step aside for everything it does not write itself.
/// </summary>
public sealed class JsonPlainWriterTests
{
    private const string PlainCharacters = " !#$%&'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[]^_`abcdefghijklmnopqrstuvwxyz{|}~";

    [Fact]
    public async Task Every_report_of_the_sample_is_written_plain_and_byte_equal_to_the_writer()
    {
        var reports = await KafkaTestData.SampleReports();

        foreach (var report in reports)
        {
            var plain = CrimeReportJson.TrySerializePlain(report);
            plain.Should().NotBeNull($"DR {report.Record.DrNumber} is plain ASCII with whole seconds");
            Encoding.UTF8.GetString(plain!).Should().Be(Encoding.UTF8.GetString(CrimeReportJson.SerializeWithWriter(report)));
            CrimeReportJson.Serialize(report).Should().Equal(plain);
        }
    }

    [Fact]
    public void Every_character_gives_the_writer_s_bytes_and_only_plain_ones_take_the_plain_path()
    {
        var characters = Enumerable.Range(0, 0x80).Select(c => ((char)c).ToString())
            .Concat(["é", "Ñ", "\u00A0", "\u2028", "\u2029", "\uFEFF", "中", "😀", "\uD800"]);
        foreach (var c in characters)
        {
            var report = Report(r => r with { Address = "12" + c + "3 MAIN ST", CrossStreet = c });

            var plain = CrimeReportJson.TrySerializePlain(report);

            var isPlain = c.Length == 1 && PlainCharacters.Contains(c[0], StringComparison.Ordinal);
            (plain is not null).Should().Be(isPlain, $"U+{(int)c[0]:X4}");
            CrimeReportJson.Serialize(report).Should().Equal(CrimeReportJson.SerializeWithWriter(report), $"U+{(int)c[0]:X4}");
        }
    }

    [Fact]
    public void Coordinates_and_ages_are_formatted_as_the_writer_formats_them()
    {
        var random = new Random(22);
        var values = new List<double> { 0, -0.0, 1e-7, -1e-7, 34.0522342, -118.2436849, 1e21, -1e21, 1e-300, double.Epsilon, double.MaxValue, double.MinValue, 0.1 + 0.2, 1.0 / 3 };
        values.AddRange(Enumerable.Range(0, 2_000).Select(_ => (random.NextDouble() - 0.5) * Math.Pow(10, random.Next(-8, 8))));
        values.AddRange(Enumerable.Range(0, 2_000).Select(_ => Math.Round(33 + random.NextDouble() * 2, random.Next(0, 8))));
        foreach (var value in values)
        {
            var report = Report(r => r with { Location = new GeoPoint(value, -value), VictimAge = random.Next(-5, 120) });

            CrimeReportJson.TrySerializePlain(report).Should().Equal(CrimeReportJson.SerializeWithWriter(report), $"{value:R}");
        }
    }

    [Fact]
    public void Absent_fields_and_extreme_values_give_the_writer_s_bytes()
    {
        var reports = new[]
        {
            Report(r => r with { DateReported = null, ReportingDistrict = null, Part = null, CrimeDescription = null, MoCodes = null, VictimAge = null, VictimSex = null, VictimDescent = null, PremiseCode = null, PremiseDescription = null, WeaponCode = null, WeaponDescription = null, StatusCode = null, StatusDescription = null, CrimeCode1 = null, Address = null, CrossStreet = null, Location = null }),
            Report(r => r with { DrNumber = "", AreaName = "", VictimAge = int.MinValue }, officer: int.MaxValue),
            Report(r => r with { DateOccurred = DateOnly.MinValue, TimeOccurred = TimeOnly.MinValue, DateReported = DateOnly.MaxValue }, new DateTimeOffset(1, 1, 2, 0, 0, 0, TimeSpan.FromHours(14))),
            Report(r => r with { DateOccurred = new DateOnly(9999, 12, 31), TimeOccurred = new TimeOnly(23, 59, 59) }, new DateTimeOffset(9999, 12, 30, 23, 59, 59, TimeSpan.FromHours(-14))),
            Report(r => r, new DateTimeOffset(2020, 1, 8, 23, 15, 0, TimeSpan.FromMinutes(330))),
            Report(r => r, new DateTimeOffset(2020, 1, 8, 23, 15, 0, TimeSpan.Zero)),
        };
        foreach (var report in reports)
        {
            var plain = CrimeReportJson.TrySerializePlain(report);

            plain.Should().NotBeNull();
            Encoding.UTF8.GetString(plain!).Should().Be(Encoding.UTF8.GetString(CrimeReportJson.SerializeWithWriter(report)));
        }
    }

    [Fact]
    public void Fractions_of_a_second_and_texts_too_long_for_the_buffer_are_left_to_the_writer()
    {
        var reports = new[]
        {
            Report(r => r with { TimeOccurred = new TimeOnly(22, 30, 0, 500) }),
            Report(r => r, new DateTimeOffset(2020, 1, 8, 23, 15, 0, TimeSpan.Zero).AddTicks(1)),
            Report(r => r with { MoCodes = new string('7', 5_000) }),
            Report(r => r with { Address = new string('A', 2_000), CrossStreet = new string('B', 2_100) }),
        };
        foreach (var report in reports)
        {
            CrimeReportJson.TrySerializePlain(report).Should().BeNull();
            CrimeReportJson.Serialize(report).Should().Equal(CrimeReportJson.SerializeWithWriter(report));
            CrimeReportJson.Deserialize(CrimeReportJson.Serialize(report)).Should().BeEquivalentTo(report);
        }
    }

    [Fact]
    public void A_report_that_only_just_fits_the_buffer_or_not_is_never_written_short()
    {
        // Every length of a long text around the plain writer's 4 KiB buffer: whichever field no longer fits, the report is
        // written whole, by one path or the other, never with that field left out.
        for (var length = 3_000; length <= 4_100; length++)
        {
            foreach (var location in new GeoPoint?[] { new GeoPoint(34.0141, -118.2978), null })
            {
                var report = Report(r => r with { MoCodes = new string('7', length), Location = location });

                CrimeReportJson.Serialize(report).Should().Equal(CrimeReportJson.SerializeWithWriter(report), $"MoCodes of {length} characters, location {location}");
            }
        }
    }

    private static CrimeReport Report(Func<CrimeRecord, CrimeRecord> change, DateTimeOffset? time = null, int officer = 2) => new(
        change(new CrimeRecord
        {
            DrNumber = "010304468", DateReported = new DateOnly(2020, 1, 9), DateOccurred = new DateOnly(2020, 1, 8), TimeOccurred = new TimeOnly(22, 30),
            AreaId = "03", AreaName = "Southwest", ReportingDistrict = "0377", Part = "2", CrimeCode = "624", CrimeDescription = "BATTERY - SIMPLE ASSAULT",
            MoCodes = "0444 0913", VictimAge = 36, VictimSex = "F", VictimDescent = "B", PremiseCode = "501", PremiseDescription = "SINGLE FAMILY DWELLING",
            WeaponCode = "400", WeaponDescription = "STRONG-ARM (HANDS, FIST, FEET OR BODILY FORCE)", StatusCode = "AO", StatusDescription = "Adult Other",
            CrimeCode1 = "624", CrimeCode2 = "998", CrimeCode3 = "999", CrimeCode4 = "123", Address = "1100 W  39TH                         PL", CrossStreet = "FIGUEROA ST",
            Location = new GeoPoint(34.0141, -118.2978),
        }),
        time ?? new DateTimeOffset(2020, 1, 8, 23, 15, 0, TimeSpan.FromHours(-8)),
        officer);
}
