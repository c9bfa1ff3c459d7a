using Confluent.Kafka;
using CrimeStreaming.Kafka;
using Streamiz.Kafka.Net.SerDes;

namespace CrimeStreaming.Benchmarks.Kafka.Streamiz;

/// <summary>
/// A Streamiz serde for the sink's messages: the library's own <see cref="CrimeReportJson"/> codec, the one
/// <see cref="CrimeStreaming.Kafka.Analysis.KafkaWindowAnalyser"/> decodes with, so both sides pay the same decoding.
/// </summary>
public sealed class CrimeReportSerDes : AbstractSerDes<CrimeReport>
{
    public override byte[] Serialize(CrimeReport data, SerializationContext context) => CrimeReportJson.Serialize(data);

    public override CrimeReport Deserialize(byte[] data, SerializationContext context) => CrimeReportJson.Deserialize(data);
}
