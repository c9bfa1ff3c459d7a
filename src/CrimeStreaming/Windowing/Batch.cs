namespace CrimeStreaming.Windowing;

/// <summary>The items of one micro-batch (Spark's RDD of a DStream batch) and the span of time they describe, [<see cref="Start"/>, <see cref="End"/>).</summary>
/// <typeparam name="T">The item type.</typeparam>
/// <param name="Start">Inclusive start of the span the items describe, on the scheduler's clock.</param>
/// <param name="End">Exclusive end of the span: Spark's "batch time".</param>
/// <param name="Items">The items; empty batches are batches too.</param>
/// <remarks>
/// <para>A batch is reported at <see cref="End"/>; <see cref="Start"/> says how far back its items reach:</para>
/// <list type="bullet">
/// <item>a batch of <see cref="DStreamExtensions.ToDStream{T}"/> holds the items received in [End − interval, End), in arrival order;</item>
/// <item>a batch of a windowed operator (<see cref="WindowExtensions.Window{T}"/>, <see cref="WindowExtensions.CountByValueAndWindow{T, TKey}"/>…)
/// holds the results over its window, [End − windowLength, End), so consecutive batches overlap when the slide is
/// shorter than the window;</item>
/// <item>a batch of a running operator (<see cref="DStreamExtensions.RunningCount{T, TKey}"/>,
/// <see cref="DStreamExtensions.UpdateStateByKey{T, TKey, TState}"/>) holds the state after everything since the stream's first batch began;</item>
/// <item>per-batch transformations (<see cref="DStreamExtensions.Map{T, TResult}"/>, <see cref="DStreamExtensions.Filter{T}"/>,
/// <see cref="DStreamExtensions.Count{T}"/>…) keep the bounds of the batch they transform.</item>
/// </list>
/// <para>So the bounds survive any chain: the count of <c>ReduceByKeyAndWindow(…).Filter(…).Count()</c> is a batch whose bounds are the window's.</para>
/// </remarks>
public sealed record Batch<T>(DateTimeOffset Start, DateTimeOffset End, IReadOnlyList<T> Items)
{
    /// <summary>Spark's batch time: the end of the batch (<see cref="End"/>).</summary>
    public DateTimeOffset Time => End;
}
