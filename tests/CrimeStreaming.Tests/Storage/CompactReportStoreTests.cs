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
    public void An_entry_is_88_bytes()
    {
        System.Runtime.CompilerServices.Unsafe.SizeOf<CompactReportStore.Entry>().Should().Be(88, "the packed fields and 16-bit numbers must not grow the entry");
    }

    [Fact]
    public void Records_with_a_value_numbered_beyond_16_bits_are_kept_whole_and_come_back_equal()
    {
        // 70,000 distinct descriptions: the first 65,534 values of the table (id 0 is null) fit 16 bits with the other
        // columns' values; every later description is numbered beyond, so its record is kept whole.
        const int Rows = 70_000;
        var store = new CompactReportStore();
        var baseRecord = TestData.Record("1", null, new DateTime(2021, 3, 14, 1, 59, 0));
        var originals = Enumerable.Range(0, Rows)
            .Select(i => new CrimeReport(baseRecord with { DrNumber = $"DR{i}", CrimeDescription = $"DESCRIPTION {i}", MoCodes = i % 2 == 0 ? null : $"{i}" }, new DateTimeOffset(2021, 1, 1, 0, 0, 0, TimeSpan.FromHours(-8)).AddSeconds(i), 1 + (i % 3)))
            .ToList();
        var entries = originals.Select(store.Add).ToList();

        store.WholeRecords.Should().BeGreaterThan(0).And.BeLessThan(Rows - 65_000, "only the records whose description is numbered beyond 16 bits");
        for (var i = 0; i < Rows; i++)
        {
            store.Materialize(entries[i], originals[i].OfficerId).Should().Be(originals[i], "row {0} must round-trip", i);
        }

        // A value numbered early stays compact even after the table has grown past 16 bits.
        var again = originals[10] with { ReportTime = originals[10].ReportTime.AddHours(1) };
        var entry = store.Add(again);
        store.WholeRecords.Should().Be(Rows - entries.Count(e => e.AreaId != CompactReportStore.Entry.Whole));
        entry.AreaId.Should().NotBe(CompactReportStore.Entry.Whole);
        store.Materialize(entry, again.OfficerId).Should().Be(again);
    }

    [Theory]
    [InlineData(65_534, false)]
    [InlineData(65_535, true)]
    [InlineData(65_536, true)]
    public void A_value_numbered_at_the_whole_mark_or_beyond_keeps_its_record_whole(int areaNumber, bool whole)
    {
        // The area id is where a whole record is marked: its own number must never be taken for the mark.
        var store = new CompactReportStore();
        var record = TestData.Record("1", null, new DateTime(2021, 3, 14, 1, 59, 0));
        var time = new DateTimeOffset(2021, 1, 1, 0, 0, 0, TimeSpan.Zero);
        store.Add(new CrimeReport(record, time, 1));
        for (var i = 0; store.NextNumber < areaNumber; i++)
        {
            store.Add(new CrimeReport(record with { CrimeDescription = $"D{i}" }, time, 1));
        }

        var report = new CrimeReport(record with { AreaId = "NEW AREA" }, time.AddHours(1), 2);
        var entry = store.Add(report);

        (entry.AreaId == CompactReportStore.Entry.Whole).Should().Be(whole);
        store.Materialize(entry, 2).Should().Be(report);
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
