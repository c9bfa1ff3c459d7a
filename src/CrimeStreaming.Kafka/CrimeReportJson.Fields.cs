using System.Runtime.CompilerServices;

namespace CrimeStreaming.Kafka;

// The fields of the message format and the values read from one message, shared by both ways of reading it.
public static partial class CrimeReportJson
{
    private const Field FirstRepeated = Field.Area;
    private const Field LastText = Field.CrmCd4;
    private const int TextFieldCount = (int)LastText + 1;

    /// <summary>
    /// The fields of the format. The text fields come first, so that they index <see cref="ReportValues.Text"/>; from
    /// <see cref="FirstRepeated"/> to <see cref="LastText"/> are those that repeat a few hundred values at most, whose
    /// strings are cached.
    /// </summary>
    private enum Field
    {
        DrNo,
        Mocodes,
        Location,
        CrossStreet,
        Area,
        AreaName,
        RptDistNo,
        Part12,
        CrmCd,
        CrmCdDesc,
        VictSex,
        VictDescent,
        PremisCd,
        PremisDesc,
        WeaponUsedCd,
        WeaponDesc,
        Status,
        StatusDesc,
        CrmCd1,
        CrmCd2,
        CrmCd3,
        CrmCd4,
        VictAge,
        Lat,
        Lon,
        OfficerId,
        ReportTime,
        DateRptd,
        DateOcc,
        TimeOcc,
        Unknown,
    }

    /// <summary>The field of a property name, as it is in the message (escaped names are unknown fields).</summary>
    private static Field Lookup(ReadOnlySpan<byte> name) => name.Length switch
    {
        3 when name.SequenceEqual("lat"u8) => Field.Lat,
        3 when name.SequenceEqual("lon"u8) => Field.Lon,
        4 when name.SequenceEqual("area"u8) => Field.Area,
        5 when name.SequenceEqual("dr_no"u8) => Field.DrNo,
        6 when name.SequenceEqual("crm_cd"u8) => Field.CrmCd,
        6 when name.SequenceEqual("status"u8) => Field.Status,
        7 when name.SequenceEqual("mocodes"u8) => Field.Mocodes,
        8 when name.SequenceEqual("date_occ"u8) => Field.DateOcc,
        8 when name.SequenceEqual("time_occ"u8) => Field.TimeOcc,
        8 when name.SequenceEqual("part_1_2"u8) => Field.Part12,
        8 when name.SequenceEqual("vict_age"u8) => Field.VictAge,
        8 when name.SequenceEqual("vict_sex"u8) => Field.VictSex,
        8 when name.SequenceEqual("crm_cd_1"u8) => Field.CrmCd1,
        8 when name.SequenceEqual("location"u8) => Field.Location,
        8 when name.SequenceEqual("crm_cd_2"u8) => Field.CrmCd2,
        8 when name.SequenceEqual("crm_cd_3"u8) => Field.CrmCd3,
        8 when name.SequenceEqual("crm_cd_4"u8) => Field.CrmCd4,
        9 when name.SequenceEqual("date_rptd"u8) => Field.DateRptd,
        9 when name.SequenceEqual("area_name"u8) => Field.AreaName,
        9 when name.SequenceEqual("premis_cd"u8) => Field.PremisCd,
        10 when name.SequenceEqual("officer_id"u8) => Field.OfficerId,
        11 when name.SequenceEqual("rpt_dist_no"u8) => Field.RptDistNo,
        11 when name.SequenceEqual("crm_cd_desc"u8) => Field.CrmCdDesc,
        11 when name.SequenceEqual("premis_desc"u8) => Field.PremisDesc,
        11 when name.SequenceEqual("weapon_desc"u8) => Field.WeaponDesc,
        11 when name.SequenceEqual("status_desc"u8) => Field.StatusDesc,
        11 when name.SequenceEqual("report_time"u8) => Field.ReportTime,
        12 when name.SequenceEqual("vict_descent"u8) => Field.VictDescent,
        12 when name.SequenceEqual("cross_street"u8) => Field.CrossStreet,
        14 when name.SequenceEqual("weapon_used_cd"u8) => Field.WeaponUsedCd,
        _ => Field.Unknown,
    };

    /// <summary>The text values of a message, indexed by <see cref="Field"/>.</summary>
    [InlineArray(TextFieldCount)]
    private struct TextValues
    {
        private string? _element;
    }

    /// <summary>The values read from a message so far; a <see langword="null"/> is a field absent (or <c>null</c>) in it.</summary>
    private struct ReportValues
    {
        public TextValues Text;
        public DateOnly? DateReported;
        public DateOnly? DateOccurred;
        public TimeOnly? TimeOccurred;
        public int? Age;
        public int? Officer;
        public double? Lat;
        public double? Lon;
        public DateTimeOffset? ReportTime;

        /// <summary>Every required field is there, and <c>lat</c> and <c>lon</c> come together.</summary>
        public readonly bool IsComplete =>
            !string.IsNullOrEmpty(Text[(int)Field.DrNo]) && DateOccurred.HasValue && TimeOccurred.HasValue && !string.IsNullOrEmpty(Text[(int)Field.Area])
            && !string.IsNullOrEmpty(Text[(int)Field.AreaName]) && !string.IsNullOrEmpty(Text[(int)Field.CrmCd]) && Officer is >= 1 && ReportTime.HasValue
            && Lat.HasValue == Lon.HasValue;

        /// <summary>The report, once <see cref="IsComplete"/>.</summary>
        public readonly CrimeReport Create()
        {
            var record = new CrimeRecord
            {
                DrNumber = Text[(int)Field.DrNo]!,
                DateReported = DateReported,
                DateOccurred = DateOccurred!.Value,
                TimeOccurred = TimeOccurred!.Value,
                AreaId = Text[(int)Field.Area]!,
                AreaName = Text[(int)Field.AreaName]!,
                ReportingDistrict = Text[(int)Field.RptDistNo],
                Part = Text[(int)Field.Part12],
                CrimeCode = Text[(int)Field.CrmCd]!,
                CrimeDescription = Text[(int)Field.CrmCdDesc],
                MoCodes = Text[(int)Field.Mocodes],
                VictimAge = Age,
                VictimSex = Text[(int)Field.VictSex],
                VictimDescent = Text[(int)Field.VictDescent],
                PremiseCode = Text[(int)Field.PremisCd],
                PremiseDescription = Text[(int)Field.PremisDesc],
                WeaponCode = Text[(int)Field.WeaponUsedCd],
                WeaponDescription = Text[(int)Field.WeaponDesc],
                StatusCode = Text[(int)Field.Status],
                StatusDescription = Text[(int)Field.StatusDesc],
                CrimeCode1 = Text[(int)Field.CrmCd1],
                CrimeCode2 = Text[(int)Field.CrmCd2],
                CrimeCode3 = Text[(int)Field.CrmCd3],
                CrimeCode4 = Text[(int)Field.CrmCd4],
                Address = Text[(int)Field.Location],
                CrossStreet = Text[(int)Field.CrossStreet],
                Location = Lat is { } la && Lon is { } lo ? new GeoPoint(la, lo) : null,
            };
            return new CrimeReport(record, ReportTime!.Value, Officer!.Value);
        }

        /// <summary>The error naming every missing required field, in the order of the checks, when not <see cref="IsComplete"/>.</summary>
        public readonly FormatException Missing()
        {
            var missing = new List<string>();
            Require(!string.IsNullOrEmpty(Text[(int)Field.DrNo]), "dr_no");
            Require(DateOccurred.HasValue, "date_occ");
            Require(TimeOccurred.HasValue, "time_occ");
            Require(!string.IsNullOrEmpty(Text[(int)Field.Area]), "area");
            Require(!string.IsNullOrEmpty(Text[(int)Field.AreaName]), "area_name");
            Require(!string.IsNullOrEmpty(Text[(int)Field.CrmCd]), "crm_cd");
            Require(Officer is >= 1, "officer_id");
            Require(ReportTime.HasValue, "report_time");
            if (Lat.HasValue != Lon.HasValue)
            {
                missing.Add(Lat.HasValue ? "lon" : "lat");
            }

            return new FormatException($"missing {string.Join(", ", missing)}.");

            void Require(bool present, string field)
            {
                if (!present)
                {
                    missing.Add(field);
                }
            }
        }
    }
}
