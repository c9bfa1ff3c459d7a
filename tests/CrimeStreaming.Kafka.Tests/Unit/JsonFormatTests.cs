using System.Text;
using System.Text.Json;

namespace CrimeStreaming.Kafka.Tests.Unit;

public class JsonFormatTests
{
    [Fact]
    public async Task Every_report_of_the_real_sample_round_trips_field_for_field()
    {
        var sink = new ObservableCrimeSink();
        var reports = new List<CrimeReport>();
        using var sub = sink.Subscribe(reports.Add);
        await KafkaTestData.Streamer().RunAsync(sink);

        reports.Should().HaveCount(1958);
        foreach (var report in reports)
        {
            var back = CrimeReportJson.Deserialize(CrimeReportJson.Serialize(report));
            back.Should().Be(report);
            back.ReportTime.Offset.Should().Be(report.ReportTime.Offset);
        }
    }

    [Fact]
    public void Field_names_are_the_documented_snake_case_contract()
    {
        var record = new CrimeRecord
        {
            DrNumber = "010304468", DateOccurred = new DateOnly(2020, 1, 8), TimeOccurred = new TimeOnly(22, 30), AreaId = "03",
            AreaName = "Southwest", CrimeCode = "624", CrimeDescription = "BATTERY - SIMPLE ASSAULT", Location = new GeoPoint(34.0141, -118.2978),
        };
        var json = Encoding.UTF8.GetString(CrimeReportJson.Serialize(new CrimeReport(record, new DateTimeOffset(2020, 1, 8, 23, 15, 0, TimeSpan.FromHours(-8)), 2)));
        using var doc = JsonDocument.Parse(json);
        var root = doc.RootElement;
        root.GetProperty("dr_no").GetString().Should().Be("010304468");
        root.GetProperty("date_occ").GetString().Should().Be("2020-01-08");
        root.GetProperty("time_occ").GetString().Should().Be("22:30:00");
        root.GetProperty("area").GetString().Should().Be("03");
        root.GetProperty("crm_cd_desc").GetString().Should().Be("BATTERY - SIMPLE ASSAULT");
        root.GetProperty("lat").GetDouble().Should().Be(34.0141);
        root.GetProperty("officer_id").GetInt32().Should().Be(2);
        root.GetProperty("report_time").GetString().Should().Be("2020-01-08T23:15:00-08:00");
        root.TryGetProperty("mocodes", out _).Should().BeFalse("absent values are omitted");
    }

    [Fact]
    public void Unusual_values_round_trip()
    {
        var record = new CrimeRecord
        {
            DrNumber = "000000001", DateReported = new DateOnly(1999, 12, 31), DateOccurred = new DateOnly(2000, 2, 29), TimeOccurred = new TimeOnly(1, 2, 3, 456),
            AreaId = "01", AreaName = "Central \"Downtown\" Ñ", CrimeCode = "000", CrimeDescription = "A, B \\ C\n🚓", VictimAge = -1,
            Address = "100  W   1ST    ST", Location = new GeoPoint(-0.000001, 179.999999),
        };
        var report = new CrimeReport(record, new DateTimeOffset(2000, 2, 29, 23, 59, 59, 999, TimeSpan.FromHours(5.5)), 1234);
        var back = CrimeReportJson.Deserialize(CrimeReportJson.Serialize(report));
        back.Should().Be(report);
        back.ReportTime.Offset.Should().Be(TimeSpan.FromHours(5.5));
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("{}")]
    [InlineData("{\"dr_no\":\"1\",\"area\":\"01\",\"area_name\":\"Central\",\"crm_cd\":\"210\",\"date_occ\":\"2020-01-01\",\"officer_id\":1}")]
    [InlineData("[1,2,3]")]
    public void Non_reports_are_a_format_error(string text) =>
        FluentActions.Invoking(() => CrimeReportJson.Deserialize(Encoding.UTF8.GetBytes(text))).Should().Throw<FormatException>();
}
