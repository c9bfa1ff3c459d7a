using System.Text.Json;

namespace CrimeStreaming.Kafka.Serialization;

/// <summary>
/// Converts <see cref="CrimeReport"/>s to and from the UTF-8 JSON carried by Kafka messages.
/// </summary>
/// <remarks>
/// <para>Field names follow the 2020–present LAPD columns in snake_case: <c>officer_id</c>, <c>report_time</c>
/// (ISO 8601 with offset), <c>dr_no</c>, <c>date_rptd</c>, <c>date_occ</c> (<c>yyyy-MM-dd</c>), <c>time_occ</c>
/// (<c>HH:mm:ss</c>), <c>area</c>, <c>area_name</c>, <c>rpt_dist_no</c>, <c>part_1_2</c>, <c>crm_cd</c>,
/// <c>crm_cd_desc</c>, <c>mocodes</c>, <c>vict_age</c>, <c>vict_sex</c>, <c>vict_descent</c>, <c>premis_cd</c>,
/// <c>premis_desc</c>, <c>weapon_used_cd</c>, <c>weapon_desc</c>, <c>status</c>, <c>status_desc</c>,
/// <c>crm_cd_1</c>…<c>crm_cd_4</c>, <c>location</c> (the street address), <c>cross_street</c>, <c>lat</c>,
/// <c>lon</c>. Missing values are <c>null</c>; an unknown location has null <c>lat</c> and <c>lon</c>.</para>
/// <para>The round trip is exact: deserializing a serialized report gives an equal report.</para>
/// </remarks>
public static class CrimeReportJson
{
    /// <summary>Serializes a report to UTF-8 JSON.</summary>
    /// <param name="report">The report.</param>
    /// <returns>The JSON bytes.</returns>
    public static byte[] Serialize(CrimeReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        return JsonSerializer.SerializeToUtf8Bytes(ToMessage(report), CrimeReportJsonContext.Default.CrimeReportMessage);
    }

    /// <summary>Writes a report as JSON to <paramref name="writer"/> (lets callers reuse buffers).</summary>
    /// <param name="writer">The writer.</param>
    /// <param name="report">The report.</param>
    public static void Write(Utf8JsonWriter writer, CrimeReport report)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(report);
        JsonSerializer.Serialize(writer, ToMessage(report), CrimeReportJsonContext.Default.CrimeReportMessage);
    }

    /// <summary>Deserializes a report from UTF-8 JSON.</summary>
    /// <param name="utf8Json">The JSON bytes.</param>
    /// <returns>The report.</returns>
    /// <exception cref="JsonException">The bytes are not a valid report.</exception>
    public static CrimeReport Deserialize(ReadOnlySpan<byte> utf8Json)
    {
        var m = JsonSerializer.Deserialize(utf8Json, CrimeReportJsonContext.Default.CrimeReportMessage)
                ?? throw new JsonException("The message is JSON null, not a crime report.");
        if (string.IsNullOrEmpty(m.DrNumber))
        {
            throw new JsonException("The message has no dr_no.");
        }

        if (m.Latitude.HasValue != m.Longitude.HasValue)
        {
            throw new JsonException("The message has only one of lat and lon.");
        }

        var record = new CrimeRecord
        {
            DrNumber = m.DrNumber,
            DateReported = m.DateReported,
            DateOccurred = m.DateOccurred,
            TimeOccurred = m.TimeOccurred,
            AreaId = m.AreaId,
            AreaName = m.AreaName,
            ReportingDistrict = m.ReportingDistrict,
            Part = m.Part,
            CrimeCode = m.CrimeCode,
            CrimeDescription = m.CrimeDescription,
            MoCodes = m.MoCodes,
            VictimAge = m.VictimAge,
            VictimSex = m.VictimSex,
            VictimDescent = m.VictimDescent,
            PremiseCode = m.PremiseCode,
            PremiseDescription = m.PremiseDescription,
            WeaponCode = m.WeaponCode,
            WeaponDescription = m.WeaponDescription,
            StatusCode = m.StatusCode,
            StatusDescription = m.StatusDescription,
            CrimeCode1 = m.CrimeCode1,
            CrimeCode2 = m.CrimeCode2,
            CrimeCode3 = m.CrimeCode3,
            CrimeCode4 = m.CrimeCode4,
            Address = m.Address,
            CrossStreet = m.CrossStreet,
            Location = m.Latitude is { } lat && m.Longitude is { } lon ? new GeoPoint(lat, lon) : null,
        };
        return new CrimeReport(record, m.ReportTime, m.OfficerId);
    }

    private static CrimeReportMessage ToMessage(CrimeReport report)
    {
        var r = report.Record;
        return new CrimeReportMessage
        {
            OfficerId = report.OfficerId,
            ReportTime = report.ReportTime,
            DrNumber = r.DrNumber,
            DateReported = r.DateReported,
            DateOccurred = r.DateOccurred,
            TimeOccurred = r.TimeOccurred,
            AreaId = r.AreaId,
            AreaName = r.AreaName,
            ReportingDistrict = r.ReportingDistrict,
            Part = r.Part,
            CrimeCode = r.CrimeCode,
            CrimeDescription = r.CrimeDescription,
            MoCodes = r.MoCodes,
            VictimAge = r.VictimAge,
            VictimSex = r.VictimSex,
            VictimDescent = r.VictimDescent,
            PremiseCode = r.PremiseCode,
            PremiseDescription = r.PremiseDescription,
            WeaponCode = r.WeaponCode,
            WeaponDescription = r.WeaponDescription,
            StatusCode = r.StatusCode,
            StatusDescription = r.StatusDescription,
            CrimeCode1 = r.CrimeCode1,
            CrimeCode2 = r.CrimeCode2,
            CrimeCode3 = r.CrimeCode3,
            CrimeCode4 = r.CrimeCode4,
            Address = r.Address,
            CrossStreet = r.CrossStreet,
            Latitude = r.Location?.Latitude,
            Longitude = r.Location?.Longitude,
        };
    }
}
