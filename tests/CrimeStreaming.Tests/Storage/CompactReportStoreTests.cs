using CrimeStreaming.Csv;
using CrimeStreaming.Storage;
using CrimeStreaming.Storage.Compact;

namespace CrimeStreaming.Tests.Storage;

public class CompactReportStoreTests
{
    [Theory]
    [InlineData("la-crime-2020-present-sample.csv")]
    [InlineData("la-crime-2010-2019-sample.csv")]
    public void Every_real_record_comes_back_equal_field_for_field(string file)
    {
        var path = Path.Combine(AppContext.BaseDirectory, "data", file);
        var store = new CompactReportStore();
        var originals = CrimeCsvReader.ReadFile(path)
            .Select((r, i) => new CrimeReport(r, new DateTimeOffset(2020, 1, 1, 0, 0, 0, TimeSpan.FromHours(-8)).AddMinutes(i), 1 + (i % 5)))
            .ToList();
        var entries = originals.Select(store.Add).ToList();

        for (var i = 0; i < originals.Count; i++)
        {
            var back = store.Materialize(entries[i], originals[i].OfficerId);
            if (back != originals[i])
            {
                back.Should().BeEquivalentTo(originals[i], "row {0} must round-trip", i);
            }

            back.ReportTime.Offset.Should().Be(originals[i].ReportTime.Offset);
        }
    }

    [Fact]
    public void Arena_keeps_null_empty_unicode_and_long_strings()
    {
        var arena = new ByteArena();
        var long1 = new string('é', 300_000);
        var a = arena.Append(null, string.Empty, "Ñandú 🚓", long1);
        var b = arena.Append("x", null, null, new string('y', 127));
        var c = arena.Append(new string('z', 128), "", null, "end");

        arena.Read(a).Should().Be((null, string.Empty, "Ñandú 🚓", long1));
        arena.Read(b).Should().Be(("x", null, null, new string('y', 127)));
        arena.Read(c).Should().Be((new string('z', 128), "", null, "end"));
    }

    [Fact]
    public void Record_with_only_required_fields_round_trips()
    {
        var store = new CompactReportStore();
        var report = new CrimeReport(TestData.Record("1", null, new DateTime(2021, 3, 14, 1, 59, 0)), new DateTimeOffset(2021, 3, 14, 3, 30, 0, TimeSpan.FromHours(-7)), 9);
        store.Materialize(store.Add(report), 9).Should().Be(report);
    }

    [Fact]
    public void An_entry_is_120_bytes()
    {
        System.Runtime.CompilerServices.Unsafe.SizeOf<CompactReportStore.Entry>().Should().Be(120, "the packed fields must not grow the entry back to 128 bytes");
    }

    [Theory]
    [InlineData(1, 1, 1, 0, 0, 0, 0L, -840, true, true)]
    [InlineData(9999, 12, 31, 23, 59, 59, 9_999_999L, 840, false, false)]
    [InlineData(2020, 2, 29, 12, 0, 0, 1L, 0, true, false)]
    [InlineData(2024, 11, 3, 1, 30, 0, 0L, -420, false, true)]
    [InlineData(1970, 1, 1, 0, 0, 1, 5_000_000L, 330, true, true)]
    public void Packed_fields_round_trip_at_their_edges(int year, int month, int day, int hour, int minute, int second, long extraTicks, int offsetMinutes, bool withAge, bool withLocation)
    {
        var store = new CompactReportStore();
        var occurred = new TimeOnly(hour, minute, second).Add(TimeSpan.FromTicks(extraTicks));
        var record = TestData.Record("1", null, new DateTime(2021, 3, 14, 1, 59, 0)) with
        {
            DateReported = withAge ? DateOnly.MinValue : DateOnly.MaxValue,
            DateOccurred = new DateOnly(year, month, day),
            TimeOccurred = occurred,
            VictimAge = withAge ? -3 : null,
            Location = withLocation ? new GeoPoint(-90, 180) : null,
        };
        var offset = TimeSpan.FromMinutes(offsetMinutes);
        var reportTime = new DateTimeOffset(2000, 6, 1, 0, 0, 0, offset);
        var report = new CrimeReport(record, reportTime, 2);

        var back = store.Materialize(store.Add(report), 2);

        back.Should().Be(report);
        back.ReportTime.Offset.Should().Be(offset);
        back.Record.TimeOccurred.Ticks.Should().Be(occurred.Ticks);
    }
}
