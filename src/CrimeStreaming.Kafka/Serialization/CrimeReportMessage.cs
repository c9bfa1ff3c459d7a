using System.Text.Json.Serialization;

namespace CrimeStreaming.Kafka.Serialization;

/// <summary>The JSON shape of one Kafka message (snake_case names, documented in <see cref="CrimeReportJson"/>).</summary>
internal sealed class CrimeReportMessage
{
    [JsonPropertyName("officer_id")] public int OfficerId { get; set; }
    [JsonPropertyName("report_time")] public DateTimeOffset ReportTime { get; set; }
    [JsonPropertyName("dr_no")] public string DrNumber { get; set; } = string.Empty;
    [JsonPropertyName("date_rptd")] public DateOnly? DateReported { get; set; }
    [JsonPropertyName("date_occ")] public DateOnly DateOccurred { get; set; }
    [JsonPropertyName("time_occ")] public TimeOnly TimeOccurred { get; set; }
    [JsonPropertyName("area")] public string AreaId { get; set; } = string.Empty;
    [JsonPropertyName("area_name")] public string AreaName { get; set; } = string.Empty;
    [JsonPropertyName("rpt_dist_no")] public string? ReportingDistrict { get; set; }
    [JsonPropertyName("part_1_2")] public string? Part { get; set; }
    [JsonPropertyName("crm_cd")] public string CrimeCode { get; set; } = string.Empty;
    [JsonPropertyName("crm_cd_desc")] public string? CrimeDescription { get; set; }
    [JsonPropertyName("mocodes")] public string? MoCodes { get; set; }
    [JsonPropertyName("vict_age")] public int? VictimAge { get; set; }
    [JsonPropertyName("vict_sex")] public string? VictimSex { get; set; }
    [JsonPropertyName("vict_descent")] public string? VictimDescent { get; set; }
    [JsonPropertyName("premis_cd")] public string? PremiseCode { get; set; }
    [JsonPropertyName("premis_desc")] public string? PremiseDescription { get; set; }
    [JsonPropertyName("weapon_used_cd")] public string? WeaponCode { get; set; }
    [JsonPropertyName("weapon_desc")] public string? WeaponDescription { get; set; }
    [JsonPropertyName("status")] public string? StatusCode { get; set; }
    [JsonPropertyName("status_desc")] public string? StatusDescription { get; set; }
    [JsonPropertyName("crm_cd_1")] public string? CrimeCode1 { get; set; }
    [JsonPropertyName("crm_cd_2")] public string? CrimeCode2 { get; set; }
    [JsonPropertyName("crm_cd_3")] public string? CrimeCode3 { get; set; }
    [JsonPropertyName("crm_cd_4")] public string? CrimeCode4 { get; set; }
    [JsonPropertyName("location")] public string? Address { get; set; }
    [JsonPropertyName("cross_street")] public string? CrossStreet { get; set; }
    [JsonPropertyName("lat")] public double? Latitude { get; set; }
    [JsonPropertyName("lon")] public double? Longitude { get; set; }
}

/// <summary>System.Text.Json source-generated metadata for <see cref="CrimeReportMessage"/>.</summary>
[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.Never)]
[JsonSerializable(typeof(CrimeReportMessage))]
internal sealed partial class CrimeReportJsonContext : JsonSerializerContext
{
}
