namespace CrimeStreaming.Kafka;

/// <summary>What a <see cref="KafkaCrimeSource"/> did with the messages it read: read = reports + duplicates + invalid + end markers.</summary>
public sealed record KafkaConsumeSummary
{
    /// <summary>Messages read.</summary>
    public long Read { get; init; }

    /// <summary>Reports passed downstream.</summary>
    public long Reports { get; init; }

    /// <summary>Reports skipped as repeats of a DR number already seen (with de-duplication on).</summary>
    public long Duplicates { get; init; }

    /// <summary>Messages skipped as not being reports.</summary>
    public long Invalid { get; init; }

    /// <summary>End-of-stream markers read (see <see cref="EndOfStream"/>).</summary>
    public long EndMarkers { get; init; }

    /// <summary>Messages deleted from their partition (retention) before they could be read: lost, exactly counted.</summary>
    public long Lost { get; init; }

    /// <inheritdoc/>
    public override string ToString() => $"read {Read:N0}: reports {Reports:N0}, duplicates {Duplicates:N0}, invalid {Invalid:N0}, end markers {EndMarkers:N0}" + (Lost > 0 ? $"; LOST {Lost:N0} deleted before they were read" : "");
}
