namespace CrimeStreaming.Csv;

/// <summary>
/// Maps the columns of a crime CSV file (by header name) onto <see cref="CrimeRecord"/> fields.
/// The two LAPD schemas are built in; describe any other layout with a new instance.
/// </summary>
/// <remarks>
/// Header names match ignoring case and surrounding spaces (the 2010–2019 file's last column is <c>"Location "</c>).
/// Columns named by a <c>required</c> property must be present; the others are read when present and left
/// <see langword="null"/> otherwise. The location is read from <see cref="Location"/> (<c>"(lat, lon)"</c>) or from
/// <see cref="Latitude"/> and <see cref="Longitude"/>.
/// </remarks>
public sealed record CrimeCsvSchema
{
    /// <summary>LAPD "Crime Data from 2010 to 2019": <c>DR Number, Date Reported, Date Occurred, Time Occurred, …, Location </c>.</summary>
    public static CrimeCsvSchema Lapd2010To2019 { get; } = new()
    {
        Name = "LAPD 2010-2019",
        DrNumber = "DR Number",
        DateReported = "Date Reported",
        DateOccurred = "Date Occurred",
        TimeOccurred = "Time Occurred",
        AreaId = "Area ID",
        AreaName = "Area Name",
        ReportingDistrict = "Reporting District",
        CrimeCode = "Crime Code",
        CrimeDescription = "Crime Code Description",
        MoCodes = "MO Codes",
        VictimAge = "Victim Age",
        VictimSex = "Victim Sex",
        VictimDescent = "Victim Descent",
        PremiseCode = "Premise Code",
        PremiseDescription = "Premise Description",
        WeaponCode = "Weapon Used Code",
        WeaponDescription = "Weapon Description",
        StatusCode = "Status Code",
        StatusDescription = "Status Description",
        CrimeCode1 = "Crime Code 1",
        CrimeCode2 = "Crime Code 2",
        CrimeCode3 = "Crime Code 3",
        CrimeCode4 = "Crime Code 4",
        Address = "Address",
        CrossStreet = "Cross Street",
        Location = "Location",
    };

    /// <summary>LAPD "Crime Data from 2020 to Present": <c>DR_NO, Date Rptd, DATE OCC, TIME OCC, …, LAT, LON</c>.</summary>
    public static CrimeCsvSchema Lapd2020ToPresent { get; } = new()
    {
        Name = "LAPD 2020-present",
        DrNumber = "DR_NO",
        DateReported = "Date Rptd",
        DateOccurred = "DATE OCC",
        TimeOccurred = "TIME OCC",
        AreaId = "AREA",
        AreaName = "AREA NAME",
        ReportingDistrict = "Rpt Dist No",
        Part = "Part 1-2",
        CrimeCode = "Crm Cd",
        CrimeDescription = "Crm Cd Desc",
        MoCodes = "Mocodes",
        VictimAge = "Vict Age",
        VictimSex = "Vict Sex",
        VictimDescent = "Vict Descent",
        PremiseCode = "Premis Cd",
        PremiseDescription = "Premis Desc",
        WeaponCode = "Weapon Used Cd",
        WeaponDescription = "Weapon Desc",
        StatusCode = "Status",
        StatusDescription = "Status Desc",
        CrimeCode1 = "Crm Cd 1",
        CrimeCode2 = "Crm Cd 2",
        CrimeCode3 = "Crm Cd 3",
        CrimeCode4 = "Crm Cd 4",
        Address = "LOCATION",
        CrossStreet = "Cross Street",
        Latitude = "LAT",
        Longitude = "LON",
    };

    /// <summary>The schemas detection tries, in order.</summary>
    public static IReadOnlyList<CrimeCsvSchema> Known { get; } = [Lapd2020ToPresent, Lapd2010To2019];

    /// <summary>A name for messages.</summary>
    public required string Name { get; init; }

    /// <summary>Column of <see cref="CrimeRecord.DrNumber"/> (required).</summary>
    public required string DrNumber { get; init; }

    /// <summary>Column of <see cref="CrimeRecord.DateOccurred"/> (required).</summary>
    public required string DateOccurred { get; init; }

    /// <summary>Column of <see cref="CrimeRecord.TimeOccurred"/> (required).</summary>
    public required string TimeOccurred { get; init; }

    /// <summary>Column of <see cref="CrimeRecord.AreaId"/> (required).</summary>
    public required string AreaId { get; init; }

    /// <summary>Column of <see cref="CrimeRecord.AreaName"/> (required).</summary>
    public required string AreaName { get; init; }

    /// <summary>Column of <see cref="CrimeRecord.CrimeCode"/> (required).</summary>
    public required string CrimeCode { get; init; }

    /// <summary>Column of <see cref="CrimeRecord.CrimeDescription"/> (required column; empty values are allowed and later filtered out).</summary>
    public required string CrimeDescription { get; init; }

    /// <summary>Column of <see cref="CrimeRecord.DateReported"/>.</summary>
    public string? DateReported { get; init; }

    /// <summary>Column of <see cref="CrimeRecord.ReportingDistrict"/>.</summary>
    public string? ReportingDistrict { get; init; }

    /// <summary>Column of <see cref="CrimeRecord.Part"/>.</summary>
    public string? Part { get; init; }

    /// <summary>Column of <see cref="CrimeRecord.MoCodes"/>.</summary>
    public string? MoCodes { get; init; }

    /// <summary>Column of <see cref="CrimeRecord.VictimAge"/>.</summary>
    public string? VictimAge { get; init; }

    /// <summary>Column of <see cref="CrimeRecord.VictimSex"/>.</summary>
    public string? VictimSex { get; init; }

    /// <summary>Column of <see cref="CrimeRecord.VictimDescent"/>.</summary>
    public string? VictimDescent { get; init; }

    /// <summary>Column of <see cref="CrimeRecord.PremiseCode"/>.</summary>
    public string? PremiseCode { get; init; }

    /// <summary>Column of <see cref="CrimeRecord.PremiseDescription"/>.</summary>
    public string? PremiseDescription { get; init; }

    /// <summary>Column of <see cref="CrimeRecord.WeaponCode"/>.</summary>
    public string? WeaponCode { get; init; }

    /// <summary>Column of <see cref="CrimeRecord.WeaponDescription"/>.</summary>
    public string? WeaponDescription { get; init; }

    /// <summary>Column of <see cref="CrimeRecord.StatusCode"/>.</summary>
    public string? StatusCode { get; init; }

    /// <summary>Column of <see cref="CrimeRecord.StatusDescription"/>.</summary>
    public string? StatusDescription { get; init; }

    /// <summary>Column of <see cref="CrimeRecord.CrimeCode1"/>.</summary>
    public string? CrimeCode1 { get; init; }

    /// <summary>Column of <see cref="CrimeRecord.CrimeCode2"/>.</summary>
    public string? CrimeCode2 { get; init; }

    /// <summary>Column of <see cref="CrimeRecord.CrimeCode3"/>.</summary>
    public string? CrimeCode3 { get; init; }

    /// <summary>Column of <see cref="CrimeRecord.CrimeCode4"/>.</summary>
    public string? CrimeCode4 { get; init; }

    /// <summary>Column of <see cref="CrimeRecord.Address"/>.</summary>
    public string? Address { get; init; }

    /// <summary>Column of <see cref="CrimeRecord.CrossStreet"/>.</summary>
    public string? CrossStreet { get; init; }

    /// <summary>Column holding the location as <c>"(lat, lon)"</c>.</summary>
    public string? Location { get; init; }

    /// <summary>Column holding the latitude (used with <see cref="Longitude"/>).</summary>
    public string? Latitude { get; init; }

    /// <summary>Column holding the longitude (used with <see cref="Latitude"/>).</summary>
    public string? Longitude { get; init; }

    /// <summary>The header names of the required columns.</summary>
    public IEnumerable<string> RequiredColumns =>
        [DrNumber, DateOccurred, TimeOccurred, AreaId, AreaName, CrimeCode, CrimeDescription];

    /// <summary>The required columns that <paramref name="header"/> lacks.</summary>
    public IReadOnlyList<string> MissingColumns(IEnumerable<string> header)
    {
        ArgumentNullException.ThrowIfNull(header);
        var present = new HashSet<string>(header.Select(Normalize), StringComparer.OrdinalIgnoreCase);
        return RequiredColumns.Where(c => !present.Contains(Normalize(c))).ToArray();
    }

    /// <summary>The first of <see cref="Known"/> whose required columns <paramref name="header"/> has all, or <see langword="null"/>.</summary>
    public static CrimeCsvSchema? Detect(IEnumerable<string> header)
    {
        var names = header.ToArray();
        return Known.FirstOrDefault(s => s.MissingColumns(names).Count == 0);
    }

    internal static string Normalize(string name) => name.Trim();
}
