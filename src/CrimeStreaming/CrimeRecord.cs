namespace CrimeStreaming;

/// <summary>One parsed row of an LAPD crime file, independent of the schema it came from.</summary>
/// <remarks>
/// Identifiers and codes (<see cref="DrNumber"/>, <see cref="AreaId"/>, <see cref="CrimeCode"/>…) stay text so
/// that leading zeros survive. Optional columns that are empty in the file, or absent from its schema, are
/// <see langword="null"/>. Times are the local (Los Angeles) wall-clock times written in the file.
/// </remarks>
public sealed record CrimeRecord
{
    /// <summary>Division of Records number: the report's unique id (<c>DR_NO</c> / <c>DR Number</c>).</summary>
    public required string DrNumber { get; init; }

    /// <summary>The day the crime was reported (<c>Date Rptd</c>), if present.</summary>
    public DateOnly? DateReported { get; init; }

    /// <summary>The day the crime occurred (<c>DATE OCC</c>).</summary>
    public required DateOnly DateOccurred { get; init; }

    /// <summary>The time of day the crime occurred (<c>TIME OCC</c>, HHMM).</summary>
    public required TimeOnly TimeOccurred { get; init; }

    /// <summary>Occurrence date and time combined, local wall-clock time.</summary>
    public DateTime Occurred => DateOccurred.ToDateTime(TimeOccurred);

    /// <summary>Geographic area (police division) id, e.g. <c>03</c>.</summary>
    public required string AreaId { get; init; }

    /// <summary>Geographic area name, e.g. <c>Southwest</c>.</summary>
    public required string AreaName { get; init; }

    /// <summary>Reporting district, e.g. <c>0377</c>.</summary>
    public string? ReportingDistrict { get; init; }

    /// <summary>Part 1 or 2 crime (2020–present schema only).</summary>
    public string? Part { get; init; }

    /// <summary>Crime code, e.g. <c>624</c>.</summary>
    public required string CrimeCode { get; init; }

    /// <summary>Crime code description, e.g. <c>BATTERY - SIMPLE ASSAULT</c>; <see langword="null"/> when missing.</summary>
    public string? CrimeDescription { get; init; }

    /// <summary>Modus operandi codes, space separated.</summary>
    public string? MoCodes { get; init; }

    /// <summary>Victim age as written (0 and negative values occur in the source data).</summary>
    public int? VictimAge { get; init; }

    /// <summary>Victim sex code.</summary>
    public string? VictimSex { get; init; }

    /// <summary>Victim descent code.</summary>
    public string? VictimDescent { get; init; }

    /// <summary>Premise code.</summary>
    public string? PremiseCode { get; init; }

    /// <summary>Premise description.</summary>
    public string? PremiseDescription { get; init; }

    /// <summary>Weapon used code.</summary>
    public string? WeaponCode { get; init; }

    /// <summary>Weapon description.</summary>
    public string? WeaponDescription { get; init; }

    /// <summary>Case status code.</summary>
    public string? StatusCode { get; init; }

    /// <summary>Case status description.</summary>
    public string? StatusDescription { get; init; }

    /// <summary>Crime code 1 (the primary and most serious one).</summary>
    public string? CrimeCode1 { get; init; }

    /// <summary>Crime code 2.</summary>
    public string? CrimeCode2 { get; init; }

    /// <summary>Crime code 3.</summary>
    public string? CrimeCode3 { get; init; }

    /// <summary>Crime code 4.</summary>
    public string? CrimeCode4 { get; init; }

    /// <summary>Street address (rounded to the hundred block), as written including padding spaces.</summary>
    public string? Address { get; init; }

    /// <summary>Cross street.</summary>
    public string? CrossStreet { get; init; }

    /// <summary>Location; <see langword="null"/> when unknown (the file's (0, 0)).</summary>
    public GeoPoint? Location { get; init; }
}
