namespace CrimeStreaming.Kafka;

/// <summary>A report read from Kafka, with where it was read.</summary>
/// <param name="Report">The report.</param>
/// <param name="EventTime">The message timestamp: the simulated report time the producer set.</param>
/// <param name="Partition">The partition.</param>
/// <param name="Offset">The offset in the partition.</param>
public sealed record ConsumedCrimeReport(CrimeReport Report, DateTimeOffset EventTime, int Partition, long Offset);
