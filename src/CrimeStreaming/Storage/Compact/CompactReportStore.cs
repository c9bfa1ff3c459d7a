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
    private readonly List<CrimeRecord> _whole = [];

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public Entry Add(CrimeReport report)
    {
        var r = report.Record;
        var e = new Entry
        {
            ReportUtcTicks = report.ReportTime.UtcTicks,
            Occurred = Entry.PackOccurred(r.DateOccurred, r.TimeOccurred, r.VictimAge.HasValue, r.Location.HasValue),
            DateReported = r.DateReported?.DayNumber ?? -1,
            VictimAge = r.VictimAge ?? 0,
            Latitude = r.Location?.Latitude ?? 0,
            Longitude = r.Location?.Longitude ?? 0,
        };

        // Numbered values are stored in 16 bits. A file with more distinct values (a generated one, or text in a code
        // column) keeps the records that need a larger number whole, beside the entries: correct for any input, compact
        // for real data (the LAPD files have a few thousand distinct values in these columns together).
        var widest = 0;
        e.AreaId = Id(r.AreaId, ref widest);
        e.AreaName = Id(r.AreaName, ref widest);
        e.ReportingDistrict = Id(r.ReportingDistrict, ref widest);
        e.Part = Id(r.Part, ref widest);
        e.CrimeCode = Id(r.CrimeCode, ref widest);
        e.CrimeDescription = Id(r.CrimeDescription, ref widest);
        e.VictimSex = Id(r.VictimSex, ref widest);
        e.VictimDescent = Id(r.VictimDescent, ref widest);
        e.PremiseCode = Id(r.PremiseCode, ref widest);
        e.PremiseDescription = Id(r.PremiseDescription, ref widest);
        e.WeaponCode = Id(r.WeaponCode, ref widest);
        e.WeaponDescription = Id(r.WeaponDescription, ref widest);
        e.StatusCode = Id(r.StatusCode, ref widest);
        e.StatusDescription = Id(r.StatusDescription, ref widest);
        e.CrimeCode1 = Id(r.CrimeCode1, ref widest);
        e.CrimeCode2 = Id(r.CrimeCode2, ref widest);
        e.CrimeCode3 = Id(r.CrimeCode3, ref widest);
        e.CrimeCode4 = Id(r.CrimeCode4, ref widest);
        if (widest >= Entry.Whole)
        {
            e.AreaId = Entry.Whole;
            e.DateReported = _whole.Count;
            e.TextAndOffset = Entry.PackText(0, report.ReportTime.Offset);
            _whole.Add(r);
            return e;
        }

        e.TextAndOffset = Entry.PackText(_arena.Append(r.DrNumber, r.MoCodes, r.Address, r.CrossStreet), report.ReportTime.Offset);
        return e;
    }

    /// <summary>The next number a new value gets (0 is <see langword="null"/>).</summary>
    internal int NextNumber => _table.Count;

    /// <summary>Records kept whole because one of their values is numbered beyond 16 bits.</summary>
    internal int WholeRecords => _whole.Count;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private ushort Id(string? value, ref int widest)
    {
        var id = _table.Add(value);
        widest = Math.Max(widest, id);
        return (ushort)id;
    }

    public CrimeReport Materialize(in Entry e, int officerId)
    {
        var offset = e.ReportOffset;
        var reportTime = new DateTimeOffset(e.ReportUtcTicks + offset.Ticks, offset);
        if (e.AreaId == Entry.Whole)
        {
            return new CrimeReport(_whole[e.DateReported], reportTime, officerId);
        }

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
        return new CrimeReport(record, reportTime, officerId);
    }

    /// <summary>One report, inline, in 88 bytes.</summary>
    /// <remarks>
    /// Values that need fewer bits share a field: the occurrence date (day number, 22 bits), its time of day (ticks, under
    /// 2^40) and the two presence flags in one 64-bit field; the report time's UTC offset (whole minutes, within ±14 hours)
    /// in the top 12 bits of the arena position, whose chunk index keeps 20 bits. The 18 numbered values take 16 bits each
    /// (they took 32, and the entry 120 bytes): a record with a value numbered <see cref="Whole"/> or beyond is kept whole.
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

        /// <summary>In <see cref="AreaId"/>: the record is kept whole, at index <see cref="DateReported"/>.</summary>
        public const ushort Whole = ushort.MaxValue;

        public long ReportUtcTicks;
        public ulong Occurred;
        public long TextAndOffset;
        public double Latitude;
        public double Longitude;
        public int DateReported;
        public int VictimAge;
        public ushort AreaId;
        public ushort AreaName;
        public ushort ReportingDistrict;
        public ushort Part;
        public ushort CrimeCode;
        public ushort CrimeDescription;
        public ushort VictimSex;
        public ushort VictimDescent;
        public ushort PremiseCode;
        public ushort PremiseDescription;
        public ushort WeaponCode;
        public ushort WeaponDescription;
        public ushort StatusCode;
        public ushort StatusDescription;
        public ushort CrimeCode1;
        public ushort CrimeCode2;
        public ushort CrimeCode3;
        public ushort CrimeCode4;

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
