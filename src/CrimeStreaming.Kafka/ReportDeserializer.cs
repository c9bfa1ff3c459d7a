using Confluent.Kafka;

namespace CrimeStreaming.Kafka;

/// <summary>Runs the configured <see cref="IDeserializer{T}"/> on a consumed message, for the source and the analyser.</summary>
internal static class ReportDeserializer
{
    /// <summary>The report in <paramref name="result"/>'s value.</summary>
    /// <exception cref="FormatException">
    /// The value is not a report: whatever <paramref name="deserializer"/> throws (or a null report) becomes a
    /// <see cref="FormatException"/>, so that a custom deserializer's failure is skipped and counted as an invalid message
    /// exactly like the JSON codec's.
    /// </exception>
    public static CrimeReport DeserializeReport(this IDeserializer<CrimeReport> deserializer, ConsumeResult<Ignore, byte[]> result)
    {
        var value = result.Message.Value;
        try
        {
            return deserializer.Deserialize(value, value is null, new SerializationContext(MessageComponentType.Value, result.Topic, result.Message.Headers))
                ?? throw new FormatException("not a crime report: the deserializer returned null.");
        }
        catch (Exception e) when (e is not FormatException)
        {
            throw new FormatException($"not a crime report: {e.GetType().Name}: {e.Message}", e);
        }
    }
}
