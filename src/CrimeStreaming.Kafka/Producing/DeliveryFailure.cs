using Confluent.Kafka;

namespace CrimeStreaming.Kafka.Producing;

/// <summary>A report that Kafka did not accept.</summary>
/// <param name="Report">The report that was not delivered.</param>
/// <param name="Error">The error code.</param>
/// <param name="Reason">The error as text.</param>
public sealed record DeliveryFailure(CrimeReport Report, ErrorCode Error, string Reason);
