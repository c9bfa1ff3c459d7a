namespace CrimeStreaming.Windowing;

/// <summary>The items of one micro-batch (Spark's RDD of a DStream batch): those received in [<see cref="Start"/>, <see cref="End"/>).</summary>
/// <typeparam name="T">The item type.</typeparam>
/// <param name="Start">Inclusive start of the batch on the scheduler's clock.</param>
/// <param name="End">Exclusive end of the batch: Spark's "batch time".</param>
/// <param name="Items">The items in arrival order; empty batches are batches too.</param>
public sealed record Batch<T>(DateTimeOffset Start, DateTimeOffset End, IReadOnlyList<T> Items)
{
    /// <summary>Spark's batch time: the end of the batch (<see cref="End"/>).</summary>
    public DateTimeOffset Time => End;
}
