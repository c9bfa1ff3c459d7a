namespace CrimeStreaming.Storage;

/// <summary>The binary form of a report in a run file: exact, compact, no reflection; its text fields follow <see cref="CrimeRecordFields"/>.</summary>
internal static class SpillCodec
{
    private static readonly CrimeTextField[] Text = CrimeRecordFields.Text;

    // Every field of the draft is written on every read, so one per thread serves all reads.
    [ThreadStatic]
    private static CrimeRecordDraft? t_draft;

    public static void Write(BinaryWriter w, CrimeReport report, long sequence)
    {
        var r = report.Record;
        w.Write(report.ReportTime.UtcTicks);
        w.Write(sequence);
        w.Write((short)report.ReportTime.Offset.TotalMinutes);
        w.Write(report.OfficerId);
        w.Write(r.DateReported?.DayNumber ?? -1);
        w.Write(r.DateOccurred.DayNumber);
        w.Write(r.TimeOccurred.Ticks);
        w.Write(r.VictimAge.HasValue);
        w.Write(r.VictimAge ?? 0);
        w.Write(r.Location.HasValue);
        w.Write(r.Location?.Latitude ?? 0);
        w.Write(r.Location?.Longitude ?? 0);
        foreach (var field in Text)
        {
            var value = field.Get(r);
            w.Write(value is not null);
            if (value is not null)
            {
                w.Write(value);
            }
        }
    }

    public static (CrimeReport Report, long Sequence) Read(BinaryReader reader)
    {
        var utcTicks = reader.ReadInt64();
        var sequence = reader.ReadInt64();
        var offset = TimeSpan.FromMinutes(reader.ReadInt16());
        var officer = reader.ReadInt32();
        var reported = reader.ReadInt32();
        var draft = t_draft ??= new CrimeRecordDraft();
        draft.DateReported = reported < 0 ? null : DateOnly.FromDayNumber(reported);
        draft.DateOccurred = DateOnly.FromDayNumber(reader.ReadInt32());
        draft.TimeOccurred = new TimeOnly(reader.ReadInt64());
        var hasAge = reader.ReadBoolean();
        var age = reader.ReadInt32();
        draft.VictimAge = hasAge ? age : null;
        var hasLocation = reader.ReadBoolean();
        var lat = reader.ReadDouble();
        var lon = reader.ReadDouble();
        draft.Location = hasLocation ? new GeoPoint(lat, lon) : null;
        foreach (var field in Text)
        {
            field.Set(draft, reader.ReadBoolean() ? reader.ReadString() : null);
        }

        return (new CrimeReport(draft.Build(), new DateTimeOffset(utcTicks + offset.Ticks, offset), officer), sequence);
    }
}
