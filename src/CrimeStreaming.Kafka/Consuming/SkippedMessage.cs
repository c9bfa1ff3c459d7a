namespace CrimeStreaming.Kafka.Consuming;

/// <summary>A message that <see cref="KafkaCrimeSource"/> skipped because it is not a valid report.</summary>
/// <param name="Partition">The partition.</param>
/// <param name="Offset">The offset.</param>
/// <param name="Payload">The raw value, or <see langword="null"/> for a null value.</param>
/// <param name="Reason">Why it was skipped.</param>
public sealed record SkippedMessage(int Partition, long Offset, byte[]? Payload, string Reason);
