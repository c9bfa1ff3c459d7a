using CrimeStreaming.Csv;

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
    public IEnumerable<CrimeRecord> Read(CsvReadStatistics statistics, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(statistics);
        foreach (var record in _records)
        {
            cancellationToken.ThrowIfCancellationRequested();
            statistics.OnRowRead();
            yield return record;
        }
    }
}
