using Confluent.Kafka;

namespace CrimeStreaming.Kafka;

/// <summary>
/// The default message value codec: <see cref="CrimeReportJson"/> as a Confluent.Kafka serializer and deserializer.
/// The default value of <see cref="KafkaCrimeSinkOptions.Serializer"/>, <see cref="KafkaCrimeSourceOptions.Deserializer"/>
/// and <see cref="Analysis.KafkaWindowAnalyserOptions.Deserializer"/>.
/// </summary>
/// <remarks>Stateless and thread-safe: use <see cref="Instance"/>. Serialization writes through a per-thread reusable
/// buffer; deserialization reads the message's bytes in place.</remarks>
public sealed class CrimeReportJsonSerializer : ISerializer<CrimeReport>, IDeserializer<CrimeReport>
{
    private CrimeReportJsonSerializer()
    {
    }

    /// <summary>The codec.</summary>
    public static CrimeReportJsonSerializer Instance { get; } = new();

    /// <summary>UTF-8 JSON of <paramref name="data"/> (<see cref="CrimeReportJson.Serialize"/>).</summary>
    /// <param name="data">The report.</param>
    /// <param name="context">Not used.</param>
    public byte[] Serialize(CrimeReport data, SerializationContext context) => CrimeReportJson.Serialize(data);

    /// <summary>Reads a report back (<see cref="CrimeReportJson.Deserialize"/>).</summary>
    /// <param name="data">The message value.</param>
    /// <param name="isNull">Whether the value is null; a null value is not a report.</param>
    /// <param name="context">Not used.</param>
    /// <exception cref="FormatException">The bytes are not a report.</exception>
    public CrimeReport Deserialize(ReadOnlySpan<byte> data, bool isNull, SerializationContext context) => CrimeReportJson.Deserialize(data);
}
