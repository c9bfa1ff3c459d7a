namespace CrimeStreaming.Kafka.Consuming;

/// <summary>A report read from Kafka, with where it came from.</summary>
/// <param name="Report">The report.</param>
/// <param name="EventTime">The Kafka message timestamp: the simulated report time (millisecond precision).</param>
/// <param name="Partition">The partition.</param>
/// <param name="Offset">The offset within the partition.</param>
public sealed record ConsumedCrimeReport(CrimeReport Report, DateTimeOffset EventTime, int Partition, long Offset);
