using System.Text.Json;

namespace CrimeStreaming.Kafka;

/// <summary>The topic's message format: a <see cref="CrimeReport"/> as flat JSON (field names in the docs, kafka.md).</summary>
public static class CrimeReportJson
{
    /// <summary>UTF-8 JSON of <paramref name="report"/>.</summary>
    public static byte[] Serialize(CrimeReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var r = report.Record;
        var message = new CrimeReportMessage
        {
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
            OfficerId = report.OfficerId,
            ReportTime = report.ReportTime,
        };
        return JsonSerializer.SerializeToUtf8Bytes(message, CrimeReportJsonContext.Default.CrimeReportMessage);
    }

    /// <summary>Reads a report back.</summary>
    /// <exception cref="FormatException">The bytes are not a report: invalid JSON or a required field missing.</exception>
    public static CrimeReport Deserialize(ReadOnlySpan<byte> utf8Json)
    {
        CrimeReportMessage? m;
        try
        {
            m = JsonSerializer.Deserialize(utf8Json, CrimeReportJsonContext.Default.CrimeReportMessage);
        }
        catch (JsonException e)
        {
            throw new FormatException($"not a crime report: {e.Message}", e);
        }

        if (m is null)
        {
            throw new FormatException("not a crime report: the JSON is null.");
        }

        var missing = new List<string>();
        if (string.IsNullOrEmpty(m.DrNumber))
        {
            missing.Add("dr_no");
        }

        if (string.IsNullOrEmpty(m.AreaId))
        {
            missing.Add("area");
        }

        if (string.IsNullOrEmpty(m.AreaName))
        {
            missing.Add("area_name");
        }

        if (string.IsNullOrEmpty(m.CrimeCode))
        {
            missing.Add("crm_cd");
        }

        if (m.OfficerId < 1)
        {
            missing.Add("officer_id");
        }

        if (m.ReportTime == default)
        {
            missing.Add("report_time");
        }

        if (m.DateOccurred == default)
        {
            missing.Add("date_occ");
        }

        if (m.Latitude.HasValue != m.Longitude.HasValue)
        {
            missing.Add(m.Latitude.HasValue ? "lon" : "lat");
        }

        if (missing.Count > 0)
        {
            throw new FormatException($"not a crime report: missing {string.Join(", ", missing)}.");
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
}
