namespace CrimeStreaming.Kafka;

/// <summary>A message of the topic that is not a crime report; it is skipped (and its offset committed).</summary>
/// <param name="Partition">The partition.</param>
/// <param name="Offset">The offset.</param>
/// <param name="Value">The raw value (for a dead-letter store).</param>
/// <param name="Reason">Why it was rejected.</param>
public sealed record InvalidMessage(int Partition, long Offset, byte[]? Value, string Reason);
