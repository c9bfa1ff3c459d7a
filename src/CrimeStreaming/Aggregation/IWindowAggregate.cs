using System.Text.Json;

namespace CrimeStreaming.Aggregation;

/// <summary>
/// An aggregate written once and run anywhere windows are: over a <see cref="Windowing.DStream{T}"/>'s sliding windows,
/// over event-time windows, and across an analysis group where each instance aggregates its partitions and the partial
/// accumulators are merged into global windows (as Flink's <c>AggregateFunction</c> with <c>merge</c>, or Kafka Streams'
/// <c>Aggregate(initializer, aggregator, merger)</c> with a serde).
/// </summary>
/// <typeparam name="TInput">The items aggregated (crime reports, say).</typeparam>
/// <typeparam name="TAccumulator">The intermediate state: what panes of time and partitions hold, and what is sent between instances.</typeparam>
/// <typeparam name="TResult">What a window reports.</typeparam>
/// <remarks>
/// <para>The laws the operators rely on: <see cref="Merge"/> is associative and commutative with
/// <see cref="CreateAccumulator"/> as its identity, and adding items to one accumulator gives the same result as adding
/// them to several and merging those, in any split. Then a window's result does not depend on how the items were cut
/// into batches, panes or partitions.</para>
/// <para><see cref="Add"/> and <see cref="Merge"/> may change their first argument and return it (or return a new
/// value, for immutable accumulators); they never change <c>other</c>.</para>
/// <para><see cref="Write"/> and <see cref="Read"/> carry an accumulator between instances and into the state changelog;
/// an analysis group checks at start-up that they round-trip. <see cref="Write"/> must write equal accumulators as equal
/// bytes (dictionary keys in a fixed order, say): a partial published twice is told from a conflicting one by its bytes. <see cref="Format"/> is the exact text of a result: what
/// digests are computed over, so two runs compare by their digests.</para>
/// <para><see cref="WindowAggregate{TInput, TAccumulator, TResult}"/> implements the serialization with
/// System.Text.Json; <see cref="WindowAggregate.Create{TInput, TAccumulator, TResult}"/> builds an aggregate from
/// functions.</para>
/// </remarks>
public interface IWindowAggregate<in TInput, TAccumulator, TResult>
{
    /// <summary>A new, empty accumulator.</summary>
    TAccumulator CreateAccumulator();

    /// <summary>Adds one item; may change <paramref name="accumulator"/> and return it.</summary>
    TAccumulator Add(TAccumulator accumulator, TInput item);

    /// <summary>Adds the items of <paramref name="other"/>; may change <paramref name="accumulator"/> and return it, never changes <paramref name="other"/>.</summary>
    TAccumulator Merge(TAccumulator accumulator, TAccumulator other);

    /// <summary>A window's result from its accumulator (which it must not change).</summary>
    TResult GetResult(TAccumulator accumulator);

    /// <summary>Writes an accumulator as one JSON value.</summary>
    void Write(Utf8JsonWriter writer, TAccumulator accumulator);

    /// <summary>Reads back an accumulator <see cref="Write"/> wrote.</summary>
    /// <exception cref="FormatException">The JSON is not such an accumulator (any exception is reported as corrupt input).</exception>
    TAccumulator Read(JsonElement json);

    /// <summary>The exact text of a result, independent of culture: the unit of result digests.</summary>
    string Format(TResult result);
}
