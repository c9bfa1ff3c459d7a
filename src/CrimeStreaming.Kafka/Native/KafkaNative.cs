namespace CrimeStreaming.Kafka;

/// <summary>Control over the native Kafka client library.</summary>
public static class KafkaNative
{
    /// <summary>
    /// Pins the librdkafka bundled with Confluent.Kafka so that every client of the process uses it. The library's
    /// own clients and <see cref="EmbeddedKafkaCluster"/> call this; call it yourself before building other
    /// Confluent.Kafka clients in the same process.
    /// </summary>
    public static void EnsureLoaded() => BundledLibrdkafka.EnsureLoaded();

    /// <summary>The file the native library was loaded from, once loaded.</summary>
    public static string? LoadedPath => BundledLibrdkafka.LoadedPath;
}
