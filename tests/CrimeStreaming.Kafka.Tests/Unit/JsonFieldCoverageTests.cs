using System.Reflection;

namespace CrimeStreaming.Kafka.Tests.Unit;

/// <summary>The JSON codec restates the record's fields for speed: every text field must survive it, with a value and without.</summary>
public sealed class JsonFieldCoverageTests
{
    private static readonly PropertyInfo[] TextProperties =
        typeof(CrimeRecord).GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.PropertyType == typeof(string)).ToArray();

    public static TheoryData<string> TextFields => new(TextProperties.Select(p => p.Name));

    [Theory]
    [MemberData(nameof(TextFields))]
    public void Every_text_field_survives_the_JSON_codec_with_a_value_and_without(string name)
    {
        var full = Record(missing: null);
        var without = Record(missing: name);

        foreach (var record in new[] { full, without })
        {
            var report = new CrimeReport(record, new DateTimeOffset(2020, 3, 8, 3, 30, 0, TimeSpan.FromHours(-7)), 4);
            var back = CrimeReportJson.Deserialize(CrimeReportJson.Serialize(report));
            back.Should().Be(report);
        }

        typeof(CrimeRecord).GetProperty(name)!.GetValue(full).Should().Be($"v-{name}");
    }

    /// <summary>Every text field holds <c>v-Name</c>, except <paramref name="missing"/> when it is optional.</summary>
    private static CrimeRecord Record(string? missing)
    {
        var record = new CrimeRecord
        {
            DrNumber = "v-DrNumber", AreaId = "v-AreaId", AreaName = "v-AreaName", CrimeCode = "v-CrimeCode",
            DateReported = new DateOnly(2020, 3, 9), DateOccurred = new DateOnly(2020, 3, 8), TimeOccurred = new TimeOnly(1, 59),
            VictimAge = 37, Location = new GeoPoint(34.0141, -118.2978),
        };
        foreach (var property in TextProperties.Where(p => p.GetValue(record) is null))
        {
            // init-only setters are callable through reflection: a test-only way to fill every optional field by name.
            property.SetValue(record, property.Name == missing ? null : $"v-{property.Name}");
        }

        return record;
    }
}
