namespace CrimeStreaming.Kafka.Producing;

/// <summary>The fate of every report written to a <see cref="KafkaCrimeSink"/>.</summary>
/// <param name="Produced">Reports handed to the producer.</param>
/// <param name="Delivered">Reports acknowledged by all in-sync replicas.</param>
/// <param name="Failures">Reports that were not delivered, with the reason.</param>
public sealed record DeliverySummary(long Produced, long Delivered, IReadOnlyList<DeliveryFailure> Failures)
{
    /// <summary>The number of failed reports.</summary>
    public long Failed => Failures.Count;

    /// <summary>Reports whose fate is still unknown (in flight).</summary>
    public long Pending => Produced - Delivered - Failed;
}
