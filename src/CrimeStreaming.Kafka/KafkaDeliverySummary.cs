namespace CrimeStreaming.Kafka;

/// <summary>What a <see cref="KafkaCrimeSink"/> did with the reports written to it: produced = delivered + failed + pending.</summary>
public sealed record KafkaDeliverySummary
{
    /// <summary>Reports handed to the producer.</summary>
    public long Produced { get; init; }

    /// <summary>Reports the cluster acknowledged (acks=all).</summary>
    public long Delivered { get; init; }

    /// <summary>Reports reported as failed.</summary>
    public long Failed { get; init; }

    /// <summary>Reports neither acknowledged nor failed yet (non-zero after completion only if flushing timed out).</summary>
    public long Pending => Produced - Delivered - Failed;

    /// <summary>How often the sink waited for consumers (see <see cref="KafkaCrimeSinkOptions.ConsumerLagLimit"/>).</summary>
    public long LagWaits { get; init; }

    /// <summary>How long the sink waited for consumers in all (see <see cref="LagWaits"/>).</summary>
    public TimeSpan LagWaitTime { get; init; }

    /// <summary>The greatest consumer lag measured on a partition, or <see langword="null"/> without a lag limit.</summary>
    public long? MaxConsumerLag { get; init; }

    /// <summary>End-of-stream markers delivered (one per partition once the sink completed).</summary>
    public long EndMarkers { get; init; }

    /// <summary>Failures counted by error code.</summary>
    public IReadOnlyDictionary<string, long> FailedByReason { get; init; } = new Dictionary<string, long>();

    /// <summary>The first failures, with their reports.</summary>
    public IReadOnlyList<DeliveryFailure> Failures { get; init; } = [];

    /// <inheritdoc/>
    public override string ToString() =>
        $"produced {Produced:N0}, delivered {Delivered:N0}, failed {Failed:N0}, pending {Pending:N0}"
        + (MaxConsumerLag is { } lag ? $", waited for consumers {LagWaits:N0} times for {LagWaitTime.TotalSeconds:0.00} s (max lag {lag:N0})" : "")
        + string.Concat(FailedByReason.Select(p => $"; {p.Key}: {p.Value:N0}"));
}
