namespace CrimeStreaming;

/// <summary>Where a <see cref="CrimeStreamer"/> loads its batch of crime records from (a CSV file, a database, an API…).</summary>
public interface ICrimeRecordSource
{
    /// <summary>A name for messages and summaries, e.g. the file path.</summary>
    string Name { get; }

    /// <summary>Streams the records, counting every row read in <paramref name="context"/>'s statistics.</summary>
    /// <param name="context">Where rows are counted, and a description filter the source may apply early (see <see cref="RecordReadContext"/>).</param>
    /// <param name="cancellationToken">Stops reading.</param>
    IEnumerable<CrimeRecord> Read(RecordReadContext context, CancellationToken cancellationToken);
}
