using System.Reflection;
using System.Runtime.CompilerServices;
using CrimeStreaming.Csv;
using CrimeStreaming.Storage;
using CrimeStreaming.Storage.Compact;

namespace CrimeStreaming.Tests;

/// <summary>
/// The record's one field description drives these tests: every text field must survive every codec, so a field added
/// to the record and the description but forgotten by a codec fails here by name.
/// </summary>
public sealed class CrimeRecordFieldsTests
{
    private static readonly CrimeReport Full = new(Distinct(null), new DateTimeOffset(2020, 3, 8, 3, 30, 0, TimeSpan.FromHours(-7)), 3);

    public static TheoryData<string> TextFields => new(CrimeRecordFields.Text.Select(f => f.Name));

    [Fact]
    public void The_description_lists_every_text_property_of_the_record_once_with_its_required_flag()
    {
        var properties = typeof(CrimeRecord).GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.PropertyType == typeof(string)).ToList();

        CrimeRecordFields.Text.Select(f => f.Name).Should().BeEquivalentTo(properties.Select(p => p.Name)).And.OnlyHaveUniqueItems();
        foreach (var field in CrimeRecordFields.Text)
        {
            var required = properties.Single(p => p.Name == field.Name).GetCustomAttribute<RequiredMemberAttribute>() is not null;
            field.Required.Should().Be(required, "{0}'s required flag", field.Name);
            field.Get(Full.Record).Should().Be($"v-{field.Name}");
        }
    }

    [Theory]
    [MemberData(nameof(TextFields))]
    public void Every_text_field_survives_the_spill_codec_with_a_value_and_without(string name)
    {
        foreach (var report in new[] { Full, new CrimeReport(Distinct(name), Full.ReportTime, 2) })
        {
            using var stream = new MemoryStream();
            using (var writer = new BinaryWriter(stream, System.Text.Encoding.UTF8, leaveOpen: true))
            {
                SpillCodec.Write(writer, report, 42);
            }

            stream.Position = 0;
            using var reader = new BinaryReader(stream);
            var (back, sequence) = SpillCodec.Read(reader);

            sequence.Should().Be(42);
            back.Should().Be(report);
            back.ReportTime.Offset.Should().Be(report.ReportTime.Offset);
        }
    }

    [Theory]
    [MemberData(nameof(TextFields))]
    public void Every_text_field_survives_the_compact_store_with_a_value_and_without(string name)
    {
        var store = new CompactReportStore();
        var reports = new[] { Full, new CrimeReport(Distinct(name), Full.ReportTime, 2) };
        var entries = reports.Select(store.Add).ToList();

        for (var i = 0; i < reports.Length; i++)
        {
            store.Materialize(entries[i], reports[i].OfficerId).Should().Be(reports[i]);
        }
    }

    [Theory]
    [MemberData(nameof(TextFields))]
    public void Every_text_field_has_a_column_in_the_CSV_schema(string name)
    {
        var column = typeof(CrimeCsvSchema).GetProperty(name);

        column.Should().NotBeNull("CrimeCsvSchema maps {0} to a column", name);
        column!.GetValue(CrimeCsvSchema.Lapd2020ToPresent).Should().NotBeNull("the 2020 schema has every field");
    }

    /// <summary>A record whose every text field holds a value of its own (<c>v-Name</c>), except <paramref name="missing"/>.</summary>
    private static CrimeRecord Distinct(string? missing)
    {
        var draft = new CrimeRecordDraft
        {
            DateReported = new DateOnly(2020, 3, 9), DateOccurred = new DateOnly(2020, 3, 8), TimeOccurred = new TimeOnly(1, 59),
            VictimAge = 37, Location = new GeoPoint(34.0141, -118.2978),
        };
        foreach (var field in CrimeRecordFields.Text)
        {
            field.Set(draft, field.Name == missing && !field.Required ? null : $"v-{field.Name}");
        }

        return draft.Build();
    }
}
