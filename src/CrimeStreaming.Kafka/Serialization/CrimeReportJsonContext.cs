using System.Text.Json.Serialization;

namespace CrimeStreaming.Kafka;

/// <summary>Source-generated JSON metadata: no reflection at run time.</summary>
[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(CrimeReportMessage))]
internal sealed partial class CrimeReportJsonContext : JsonSerializerContext;
