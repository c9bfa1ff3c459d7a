namespace CrimeStreaming.Kafka;

/// <summary>Defaults shared by the Kafka producer, consumer and topic provisioning.</summary>
public static class KafkaDefaults
{
    /// <summary>The topic the original system published to: <c>la-crime</c>.</summary>
    public const string Topic = "la-crime";

    /// <summary>The original cluster's replication factor: 3 (three brokers).</summary>
    public const short ReplicationFactor = 3;
}
