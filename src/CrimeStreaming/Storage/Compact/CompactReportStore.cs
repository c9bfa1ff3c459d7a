namespace CrimeStreaming.Storage.Compact;

/// <summary>
/// Holds reports for replay in about a third of the memory of <see cref="CrimeReport"/> objects: low-cardinality
/// columns as numbers into a <see cref="StringTable"/>, unique text in a <see cref="ByteArena"/>, values inline in a
/// struct. Reports are materialised again, equal field for field, when an officer replays them.
/// </summary>
/// <remarks>Filled by one thread; once filled it is read-only and safe to read from several officers at once.</remarks>
internal sealed class CompactReportStore
{
    private readonly StringTable _table = new();
    private readonly ByteArena _arena = new();

    public Entry Add(CrimeReport report)
    {
        var r = report.Record;
        return new Entry
        {
            ReportUtcTicks = report.ReportTime.UtcTicks,
            ReportOffsetMinutes = (short)report.ReportTime.Offset.TotalMinutes,
            DateOccurred = r.DateOccurred.DayNumber,
            DateReported = r.DateReported?.DayNumber ?? -1,
            TimeOccurredTicks = r.TimeOccurred.Ticks,
            VictimAge = r.VictimAge ?? 0,
            HasVictimAge = r.VictimAge.HasValue,
            HasLocation = r.Location.HasValue,
            Latitude = r.Location?.Latitude ?? 0,
            Longitude = r.Location?.Longitude ?? 0,
            Text = _arena.Append(r.DrNumber, r.MoCodes, r.Address, r.CrossStreet),
            AreaId = _table.Add(r.AreaId),
            AreaName = _table.Add(r.AreaName),
            ReportingDistrict = _table.Add(r.ReportingDistrict),
            Part = _table.Add(r.Part),
            CrimeCode = _table.Add(r.CrimeCode),
            CrimeDescription = _table.Add(r.CrimeDescription),
            VictimSex = _table.Add(r.VictimSex),
            VictimDescent = _table.Add(r.VictimDescent),
            PremiseCode = _table.Add(r.PremiseCode),
            PremiseDescription = _table.Add(r.PremiseDescription),
            WeaponCode = _table.Add(r.WeaponCode),
            WeaponDescription = _table.Add(r.WeaponDescription),
            StatusCode = _table.Add(r.StatusCode),
            StatusDescription = _table.Add(r.StatusDescription),
            CrimeCode1 = _table.Add(r.CrimeCode1),
            CrimeCode2 = _table.Add(r.CrimeCode2),
            CrimeCode3 = _table.Add(r.CrimeCode3),
            CrimeCode4 = _table.Add(r.CrimeCode4),
        };
    }

    public CrimeReport Materialize(in Entry e, int officerId)
    {
        var (dr, mo, address, cross) = _arena.Read(e.Text);
        var record = new CrimeRecord
        {
            DrNumber = dr!,
            DateReported = e.DateReported < 0 ? null : DateOnly.FromDayNumber(e.DateReported),
            DateOccurred = DateOnly.FromDayNumber(e.DateOccurred),
            TimeOccurred = new TimeOnly(e.TimeOccurredTicks),
            AreaId = _table.Get(e.AreaId)!,
            AreaName = _table.Get(e.AreaName)!,
            ReportingDistrict = _table.Get(e.ReportingDistrict),
            Part = _table.Get(e.Part),
            CrimeCode = _table.Get(e.CrimeCode)!,
            CrimeDescription = _table.Get(e.CrimeDescription),
            MoCodes = mo,
            VictimAge = e.HasVictimAge ? e.VictimAge : null,
            VictimSex = _table.Get(e.VictimSex),
            VictimDescent = _table.Get(e.VictimDescent),
            PremiseCode = _table.Get(e.PremiseCode),
            PremiseDescription = _table.Get(e.PremiseDescription),
            WeaponCode = _table.Get(e.WeaponCode),
            WeaponDescription = _table.Get(e.WeaponDescription),
            StatusCode = _table.Get(e.StatusCode),
            StatusDescription = _table.Get(e.StatusDescription),
            CrimeCode1 = _table.Get(e.CrimeCode1),
            CrimeCode2 = _table.Get(e.CrimeCode2),
            CrimeCode3 = _table.Get(e.CrimeCode3),
            CrimeCode4 = _table.Get(e.CrimeCode4),
            Address = address,
            CrossStreet = cross,
            Location = e.HasLocation ? new GeoPoint(e.Latitude, e.Longitude) : null,
        };
        var offset = TimeSpan.FromMinutes(e.ReportOffsetMinutes);
        return new CrimeReport(record, new DateTimeOffset(e.ReportUtcTicks + offset.Ticks, offset), officerId);
    }

    /// <summary>One report, inline.</summary>
    internal struct Entry
    {
        public long ReportUtcTicks;
        public long TimeOccurredTicks;
        public long Text;
        public double Latitude;
        public double Longitude;
        public int DateOccurred;
        public int DateReported;
        public int VictimAge;
        public int AreaId;
        public int AreaName;
        public int ReportingDistrict;
        public int Part;
        public int CrimeCode;
        public int CrimeDescription;
        public int VictimSex;
        public int VictimDescent;
        public int PremiseCode;
        public int PremiseDescription;
        public int WeaponCode;
        public int WeaponDescription;
        public int StatusCode;
        public int StatusDescription;
        public int CrimeCode1;
        public int CrimeCode2;
        public int CrimeCode3;
        public int CrimeCode4;
        public short ReportOffsetMinutes;
        public bool HasVictimAge;
        public bool HasLocation;
    }
}
