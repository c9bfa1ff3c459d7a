using CrimeStreaming.Csv;

namespace CrimeStreaming;

/// <summary>Where a <see cref="CrimeStreamer"/> loads its batch of crime records from.</summary>
public interface ICrimeRecordSource
{
    /// <summary>A name for messages and summaries, e.g. the file path.</summary>
    string Name { get; }

    /// <summary>Streams the records, counting every row read and every row skipped in <paramref name="statistics"/>.</summary>
    IEnumerable<CrimeRecord> Read(CsvReadStatistics statistics, CancellationToken cancellationToken);
}
