using System.Runtime.CompilerServices;

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

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public Entry Add(CrimeReport report)
    {
        var r = report.Record;
        return new Entry
        {
            ReportUtcTicks = report.ReportTime.UtcTicks,
            Occurred = Entry.PackOccurred(r.DateOccurred, r.TimeOccurred, r.VictimAge.HasValue, r.Location.HasValue),
            DateReported = r.DateReported?.DayNumber ?? -1,
            VictimAge = r.VictimAge ?? 0,
            Latitude = r.Location?.Latitude ?? 0,
            Longitude = r.Location?.Longitude ?? 0,
            TextAndOffset = Entry.PackText(_arena.Append(r.DrNumber, r.MoCodes, r.Address, r.CrossStreet), report.ReportTime.Offset),
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
            DateOccurred = e.DateOccurred,
            TimeOccurred = e.TimeOccurred,
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
        var offset = e.ReportOffset;
        return new CrimeReport(record, new DateTimeOffset(e.ReportUtcTicks + offset.Ticks, offset), officerId);
    }

    /// <summary>One report, inline, in 120 bytes.</summary>
    /// <remarks>
    /// Values that need fewer bits share a field, so that the struct is 120 bytes, not 128: the occurrence date (day number,
    /// 22 bits), its time of day (ticks, under 2^40) and the two presence flags in one 64-bit field; the report time's UTC
    /// offset (whole minutes, within ±14 hours) in the top 12 bits of the arena position, whose chunk index keeps 20 bits.
    /// </remarks>
    internal struct Entry
    {
        private const int TimeBits = 40;
        private const long TimeMask = (1L << TimeBits) - 1;
        private const int DayBits = 22;
        private const ulong HasVictimAgeBit = 1UL << 62;
        private const ulong HasLocationBit = 1UL << 63;
        private const int OffsetShift = 52;
        private const int OffsetBias = 2048;
        private const long PositionMask = (1L << OffsetShift) - 1;

        public long ReportUtcTicks;
        public ulong Occurred;
        public long TextAndOffset;
        public double Latitude;
        public double Longitude;
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

        public readonly DateOnly DateOccurred => DateOnly.FromDayNumber((int)(Occurred >> TimeBits) & ((1 << DayBits) - 1));

        public readonly TimeOnly TimeOccurred => new((long)Occurred & TimeMask);

        public readonly bool HasVictimAge => (Occurred & HasVictimAgeBit) != 0;

        public readonly bool HasLocation => (Occurred & HasLocationBit) != 0;

        public readonly long Text => TextAndOffset & PositionMask;

        public readonly TimeSpan ReportOffset => TimeSpan.FromMinutes((int)((ulong)TextAndOffset >> OffsetShift) - OffsetBias);

        public static ulong PackOccurred(DateOnly date, TimeOnly time, bool hasVictimAge, bool hasLocation) =>
            ((ulong)date.DayNumber << TimeBits) | (ulong)time.Ticks | (hasVictimAge ? HasVictimAgeBit : 0) | (hasLocation ? HasLocationBit : 0);

        public static long PackText(long position, TimeSpan offset)
        {
            // The arena's position: chunk index << 32 | offset in the chunk. 2^20 chunks of at least 1 MiB is a terabyte
            // of text, beyond what memory holds; DateTimeOffset keeps offsets within ±14 hours.
            if ((position & ~PositionMask) != 0)
            {
                throw new InvalidOperationException("The in-memory store holds at most 1 TiB of unique text; use DiskBackedReportStorage for more.");
            }

            return position | ((long)((int)offset.TotalMinutes + OffsetBias) << OffsetShift);
        }
    }
}
