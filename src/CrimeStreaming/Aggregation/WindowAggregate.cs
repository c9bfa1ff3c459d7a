using System.Text.Json;

namespace CrimeStreaming.Aggregation;

/// <summary>
/// A base for aggregates whose accumulators and results System.Text.Json serializes as they are (numbers, strings,
/// dictionaries, lists, records with public properties): only the four functions remain to write.
/// </summary>
/// <remarks>An accumulator System.Text.Json cannot read back as it was (private setters, fields, interfaces) is refused
/// by the analysis group's round-trip check at start-up: override <see cref="Write"/> and <see cref="Read"/> then.</remarks>
public abstract class WindowAggregate<TInput, TAccumulator, TResult> : IWindowAggregate<TInput, TAccumulator, TResult>
{
    /// <inheritdoc/>
    public abstract TAccumulator CreateAccumulator();

    /// <inheritdoc/>
    public abstract TAccumulator Add(TAccumulator accumulator, TInput item);

    /// <inheritdoc/>
    public abstract TAccumulator Merge(TAccumulator accumulator, TAccumulator other);

    /// <inheritdoc/>
    public abstract TResult GetResult(TAccumulator accumulator);

    /// <summary>Writes the accumulator as System.Text.Json serializes it, object members (dictionary keys) in ordinal order.</summary>
    public virtual void Write(Utf8JsonWriter writer, TAccumulator accumulator) => CanonicalJson.Write(writer, accumulator);

    /// <inheritdoc/>
    public virtual TAccumulator Read(JsonElement json) =>
        json.Deserialize<TAccumulator>() ?? throw new FormatException($"null is not a {typeof(TAccumulator).Name}");

    /// <inheritdoc/>
    public virtual string Format(TResult result) => JsonSerializer.Serialize(result);
}

/// <summary>Builds aggregates from functions, and the common ones.</summary>
public static class WindowAggregate
{
    /// <summary>An aggregate from its four functions, serialized with System.Text.Json.</summary>
    /// <param name="create">A new, empty accumulator.</param>
    /// <param name="add">Adds an item (may change the accumulator and return it).</param>
    /// <param name="merge">Adds the second accumulator to the first (may change the first, never the second).</param>
    /// <param name="result">A window's result.</param>
    public static IWindowAggregate<TInput, TAccumulator, TResult> Create<TInput, TAccumulator, TResult>(
        Func<TAccumulator> create,
        Func<TAccumulator, TInput, TAccumulator> add,
        Func<TAccumulator, TAccumulator, TAccumulator> merge,
        Func<TAccumulator, TResult> result)
    {
        ArgumentNullException.ThrowIfNull(create);
        ArgumentNullException.ThrowIfNull(add);
        ArgumentNullException.ThrowIfNull(merge);
        ArgumentNullException.ThrowIfNull(result);
        return new FunctionAggregate<TInput, TAccumulator, TResult>(create, add, merge, result);
    }

    /// <summary>Counts items.</summary>
    public static IWindowAggregate<TInput, long, long> Count<TInput>() => CountAggregate<TInput>.Instance;

    /// <summary>
    /// Runs <paramref name="inner"/> per key: the result lists each key's result, ordered by key. Items whose key is
    /// <see langword="null"/> are left out (a filter and a grouping in one).
    /// </summary>
    /// <param name="keySelector">An item's key; <see langword="null"/> to leave the item out.</param>
    /// <param name="inner">The aggregate run for each key.</param>
    /// <param name="comparer">Orders the keys in results. The default value is ordinal for strings, <see cref="Comparer{T}.Default"/> otherwise.</param>
    public static IWindowAggregate<TInput, Dictionary<TKey, TAccumulator>, IReadOnlyList<KeyValuePair<TKey, TResult>>> ByKey<TInput, TKey, TAccumulator, TResult>(
        Func<TInput, TKey?> keySelector,
        IWindowAggregate<TInput, TAccumulator, TResult> inner,
        IComparer<TKey>? comparer = null)
        where TKey : notnull
    {
        ArgumentNullException.ThrowIfNull(keySelector);
        ArgumentNullException.ThrowIfNull(inner);
        return new KeyedAggregate<TInput, TKey, TAccumulator, TResult>(keySelector, inner, comparer);
    }

    private sealed class FunctionAggregate<TInput, TAccumulator, TResult>(
        Func<TAccumulator> create,
        Func<TAccumulator, TInput, TAccumulator> add,
        Func<TAccumulator, TAccumulator, TAccumulator> merge,
        Func<TAccumulator, TResult> result) : WindowAggregate<TInput, TAccumulator, TResult>
    {
        public override TAccumulator CreateAccumulator() => create();

        public override TAccumulator Add(TAccumulator accumulator, TInput item) => add(accumulator, item);

        public override TAccumulator Merge(TAccumulator accumulator, TAccumulator other) => merge(accumulator, other);

        public override TResult GetResult(TAccumulator accumulator) => result(accumulator);
    }

    private sealed class CountAggregate<TInput> : WindowAggregate<TInput, long, long>
    {
        public static readonly CountAggregate<TInput> Instance = new();

        public override long CreateAccumulator() => 0;

        public override long Add(long accumulator, TInput item) => accumulator + 1;

        public override long Merge(long accumulator, long other) => accumulator + other;

        public override long GetResult(long accumulator) => accumulator;

        public override void Write(Utf8JsonWriter writer, long accumulator) => writer.WriteNumberValue(accumulator);

        public override long Read(JsonElement json) => json.GetInt64();

        public override string Format(long result) => result.ToString(System.Globalization.CultureInfo.InvariantCulture);
    }
}
