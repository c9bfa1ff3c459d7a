using Confluent.Kafka;

namespace CrimeStreaming.Kafka;

/// <summary>A report Kafka did not accept, and why.</summary>
/// <param name="Report">The report.</param>
/// <param name="Code">The Kafka error code.</param>
/// <param name="Reason">The error's description.</param>
public sealed record DeliveryFailure(CrimeReport Report, ErrorCode Code, string Reason);
