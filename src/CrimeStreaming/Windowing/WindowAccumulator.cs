namespace CrimeStreaming.Windowing;

/// <summary>Keeps a window's aggregate as batches enter and leave it.</summary>
/// <typeparam name="TBatch">A batch's summary (e.g. its counts per key).</typeparam>
/// <typeparam name="TResult">The window's value.</typeparam>
internal interface IWindowAccumulator<in TBatch, out TResult>
{
    void Add(TBatch batch);

    void Remove(TBatch batch);

    TResult Result();
}
