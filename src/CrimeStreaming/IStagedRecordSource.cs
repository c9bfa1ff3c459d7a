namespace CrimeStreaming;

/// <summary>
/// A source that reads ahead by itself, splitting its work between a thread of its own and the caller's where the
/// handover is cheapest, instead of being read ahead whole (<see cref="ReadAhead"/>).
/// </summary>
/// <remarks>
/// The CSV source tokenizes every row on its own thread and builds only the rows of interest on the caller's, which
/// otherwise waits: the tokenizing thread, the bound of preparation, does less. The records, their order and the
/// counts are those of <see cref="ICrimeRecordSource.Read"/>.
/// </remarks>
internal interface IStagedRecordSource
{
    /// <summary>What <see cref="ICrimeRecordSource.Read"/> yields, read ahead on another thread.</summary>
    IEnumerable<CrimeRecord> ReadAhead(RecordReadContext context, CancellationToken cancellationToken);
}
