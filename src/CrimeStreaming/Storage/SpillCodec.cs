namespace CrimeStreaming.Storage;

/// <summary>The binary form of a report in a run file: exact, compact, no reflection.</summary>
internal static class SpillCodec
{
    public static void Write(BinaryWriter w, CrimeReport report, long sequence)
    {
        var r = report.Record;
        w.Write(report.ReportTime.UtcTicks);
        w.Write(sequence);
        w.Write((short)report.ReportTime.Offset.TotalMinutes);
        w.Write(report.OfficerId);
        w.Write(r.DrNumber);
        w.Write(r.DateReported?.DayNumber ?? -1);
        w.Write(r.DateOccurred.DayNumber);
        w.Write(r.TimeOccurred.Ticks);
        w.Write(r.AreaId);
        w.Write(r.AreaName);
        Optional(w, r.ReportingDistrict);
        Optional(w, r.Part);
        w.Write(r.CrimeCode);
        Optional(w, r.CrimeDescription);
        Optional(w, r.MoCodes);
        w.Write(r.VictimAge.HasValue);
        w.Write(r.VictimAge ?? 0);
        w.Write(r.Location.HasValue);
        w.Write(r.Location?.Latitude ?? 0);
        w.Write(r.Location?.Longitude ?? 0);
        Optional(w, r.VictimSex);
        Optional(w, r.VictimDescent);
        Optional(w, r.PremiseCode);
        Optional(w, r.PremiseDescription);
        Optional(w, r.WeaponCode);
        Optional(w, r.WeaponDescription);
        Optional(w, r.StatusCode);
        Optional(w, r.StatusDescription);
        Optional(w, r.CrimeCode1);
        Optional(w, r.CrimeCode2);
        Optional(w, r.CrimeCode3);
        Optional(w, r.CrimeCode4);
        Optional(w, r.Address);
        Optional(w, r.CrossStreet);
    }

    public static (CrimeReport Report, long Sequence) Read(BinaryReader reader)
    {
        var utcTicks = reader.ReadInt64();
        var sequence = reader.ReadInt64();
        var offset = TimeSpan.FromMinutes(reader.ReadInt16());
        var officer = reader.ReadInt32();
        var dr = reader.ReadString();
        var reported = reader.ReadInt32();
        var occurred = reader.ReadInt32();
        var time = reader.ReadInt64();
        var areaId = reader.ReadString();
        var areaName = reader.ReadString();
        var district = Optional(reader);
        var part = Optional(reader);
        var code = reader.ReadString();
        var description = Optional(reader);
        var mo = Optional(reader);
        var hasAge = reader.ReadBoolean();
        var age = reader.ReadInt32();
        var hasLocation = reader.ReadBoolean();
        var lat = reader.ReadDouble();
        var lon = reader.ReadDouble();

        // The location is written before the trailing strings so the record is built once, in one pass.
        var record = new CrimeRecord
        {
            DrNumber = dr,
            DateReported = reported < 0 ? null : DateOnly.FromDayNumber(reported),
            DateOccurred = DateOnly.FromDayNumber(occurred),
            TimeOccurred = new TimeOnly(time),
            AreaId = areaId,
            AreaName = areaName,
            ReportingDistrict = district,
            Part = part,
            CrimeCode = code,
            CrimeDescription = description,
            MoCodes = mo,
            VictimAge = hasAge ? age : null,
            VictimSex = Optional(reader),
            VictimDescent = Optional(reader),
            PremiseCode = Optional(reader),
            PremiseDescription = Optional(reader),
            WeaponCode = Optional(reader),
            WeaponDescription = Optional(reader),
            StatusCode = Optional(reader),
            StatusDescription = Optional(reader),
            CrimeCode1 = Optional(reader),
            CrimeCode2 = Optional(reader),
            CrimeCode3 = Optional(reader),
            CrimeCode4 = Optional(reader),
            Address = Optional(reader),
            CrossStreet = Optional(reader),
            Location = hasLocation ? new GeoPoint(lat, lon) : null,
        };
        return (new CrimeReport(record, new DateTimeOffset(utcTicks + offset.Ticks, offset), officer), sequence);
    }

    private static void Optional(BinaryWriter w, string? value)
    {
        w.Write(value is not null);
        if (value is not null)
        {
            w.Write(value);
        }
    }

    private static string? Optional(BinaryReader reader) => reader.ReadBoolean() ? reader.ReadString() : null;
}
