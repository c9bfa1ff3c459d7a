namespace CrimeStreaming;

/// <summary>A record source over records already in memory (tests, generated data, other readers).</summary>
public sealed class InMemoryCrimeRecordSource : ICrimeRecordSource
{
    private readonly IEnumerable<CrimeRecord> _records;

    /// <summary>Creates the source.</summary>
    public InMemoryCrimeRecordSource(IEnumerable<CrimeRecord> records, string name = "memory")
    {
        ArgumentNullException.ThrowIfNull(records);
        ArgumentNullException.ThrowIfNull(name);
        _records = records;
        Name = name;
    }

    /// <inheritdoc/>
    public string Name { get; }

    /// <inheritdoc/>
    /// <remarks>Does not apply the description prefilter: the records are built already, and the streamer's filter stage applies the same rule.</remarks>
    public IEnumerable<CrimeRecord> Read(RecordReadContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        return ReadIterator(context.Statistics, cancellationToken);
    }

    private IEnumerable<CrimeRecord> ReadIterator(ReadStatistics statistics, CancellationToken cancellationToken)
    {
        foreach (var record in _records)
        {
            cancellationToken.ThrowIfCancellationRequested();
            statistics.OnRowRead();
            yield return record;
        }
    }
}
