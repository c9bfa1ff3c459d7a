namespace CrimeStreaming;

/// <summary>
/// The one description of a <see cref="CrimeRecord"/>'s text fields (22 of its 27): codecs that treat text alike (the
/// spill codec, the size estimate) iterate it instead of restating the record, and the codec tests iterate it to prove
/// that every field survives every codec (the CSV reader and generator, the compact store, JSON, the spill files).
/// </summary>
/// <remarks>A new text field is a <see cref="CrimeRecord"/> property, one entry here and one in <see cref="CrimeRecordDraft"/>; a
/// codec that restates the fields for speed (CSV, compact store, JSON) then fails its table-driven test until it is taught
/// the field.</remarks>
internal static class CrimeRecordFields
{
    /// <summary>Every text field, in declaration order.</summary>
    public static readonly CrimeTextField[] Text =
    [
        new(nameof(CrimeRecord.DrNumber), r => r.DrNumber, (d, v) => d.DrNumber = v, Required: true),
        new(nameof(CrimeRecord.AreaId), r => r.AreaId, (d, v) => d.AreaId = v, Required: true),
        new(nameof(CrimeRecord.AreaName), r => r.AreaName, (d, v) => d.AreaName = v, Required: true),
        new(nameof(CrimeRecord.ReportingDistrict), r => r.ReportingDistrict, (d, v) => d.ReportingDistrict = v, Required: false),
        new(nameof(CrimeRecord.Part), r => r.Part, (d, v) => d.Part = v, Required: false),
        new(nameof(CrimeRecord.CrimeCode), r => r.CrimeCode, (d, v) => d.CrimeCode = v, Required: true),
        new(nameof(CrimeRecord.CrimeDescription), r => r.CrimeDescription, (d, v) => d.CrimeDescription = v, Required: false),
        new(nameof(CrimeRecord.MoCodes), r => r.MoCodes, (d, v) => d.MoCodes = v, Required: false),
        new(nameof(CrimeRecord.VictimSex), r => r.VictimSex, (d, v) => d.VictimSex = v, Required: false),
        new(nameof(CrimeRecord.VictimDescent), r => r.VictimDescent, (d, v) => d.VictimDescent = v, Required: false),
        new(nameof(CrimeRecord.PremiseCode), r => r.PremiseCode, (d, v) => d.PremiseCode = v, Required: false),
        new(nameof(CrimeRecord.PremiseDescription), r => r.PremiseDescription, (d, v) => d.PremiseDescription = v, Required: false),
        new(nameof(CrimeRecord.WeaponCode), r => r.WeaponCode, (d, v) => d.WeaponCode = v, Required: false),
        new(nameof(CrimeRecord.WeaponDescription), r => r.WeaponDescription, (d, v) => d.WeaponDescription = v, Required: false),
        new(nameof(CrimeRecord.StatusCode), r => r.StatusCode, (d, v) => d.StatusCode = v, Required: false),
        new(nameof(CrimeRecord.StatusDescription), r => r.StatusDescription, (d, v) => d.StatusDescription = v, Required: false),
        new(nameof(CrimeRecord.CrimeCode1), r => r.CrimeCode1, (d, v) => d.CrimeCode1 = v, Required: false),
        new(nameof(CrimeRecord.CrimeCode2), r => r.CrimeCode2, (d, v) => d.CrimeCode2 = v, Required: false),
        new(nameof(CrimeRecord.CrimeCode3), r => r.CrimeCode3, (d, v) => d.CrimeCode3 = v, Required: false),
        new(nameof(CrimeRecord.CrimeCode4), r => r.CrimeCode4, (d, v) => d.CrimeCode4 = v, Required: false),
        new(nameof(CrimeRecord.Address), r => r.Address, (d, v) => d.Address = v, Required: false),
        new(nameof(CrimeRecord.CrossStreet), r => r.CrossStreet, (d, v) => d.CrossStreet = v, Required: false),
    ];
}

/// <summary>One text field of a <see cref="CrimeRecord"/>.</summary>
/// <param name="Name">The property's name.</param>
/// <param name="Get">Reads it from a record.</param>
/// <param name="Set">Writes it to a draft.</param>
/// <param name="Required">Whether every record has it.</param>
internal sealed record CrimeTextField(string Name, Func<CrimeRecord, string?> Get, Action<CrimeRecordDraft, string?> Set, bool Required);

/// <summary>A record being read field by field by a table-driven codec.</summary>
internal sealed class CrimeRecordDraft
{
    public string? DrNumber;
    public string? AreaId;
    public string? AreaName;
    public string? ReportingDistrict;
    public string? Part;
    public string? CrimeCode;
    public string? CrimeDescription;
    public string? MoCodes;
    public string? VictimSex;
    public string? VictimDescent;
    public string? PremiseCode;
    public string? PremiseDescription;
    public string? WeaponCode;
    public string? WeaponDescription;
    public string? StatusCode;
    public string? StatusDescription;
    public string? CrimeCode1;
    public string? CrimeCode2;
    public string? CrimeCode3;
    public string? CrimeCode4;
    public string? Address;
    public string? CrossStreet;
    public DateOnly? DateReported;
    public DateOnly DateOccurred;
    public TimeOnly TimeOccurred;
    public int? VictimAge;
    public GeoPoint? Location;

    /// <summary>The record; the required text fields must have been set.</summary>
    public CrimeRecord Build() => new()
    {
        DrNumber = DrNumber!,
        AreaId = AreaId!,
        AreaName = AreaName!,
        ReportingDistrict = ReportingDistrict,
        Part = Part,
        CrimeCode = CrimeCode!,
        CrimeDescription = CrimeDescription,
        MoCodes = MoCodes,
        VictimSex = VictimSex,
        VictimDescent = VictimDescent,
        PremiseCode = PremiseCode,
        PremiseDescription = PremiseDescription,
        WeaponCode = WeaponCode,
        WeaponDescription = WeaponDescription,
        StatusCode = StatusCode,
        StatusDescription = StatusDescription,
        CrimeCode1 = CrimeCode1,
        CrimeCode2 = CrimeCode2,
        CrimeCode3 = CrimeCode3,
        CrimeCode4 = CrimeCode4,
        Address = Address,
        CrossStreet = CrossStreet,
        DateReported = DateReported,
        DateOccurred = DateOccurred,
        TimeOccurred = TimeOccurred,
        VictimAge = VictimAge,
        Location = Location,
    };
}
