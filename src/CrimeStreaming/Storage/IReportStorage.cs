namespace CrimeStreaming.Storage;

/// <summary>
/// How a <see cref="CrimeStreamer"/> holds the reports between preparation and replay: it groups the assigned reports
/// per officer and hands each officer's reports back sorted by report time.
/// </summary>
/// <remarks>
/// <para>Storage is a strategy a streamer is given, independent of the stages that decide what is reported, when and by
/// whom: <see cref="InMemoryReportStorage"/> (compact, the default) and <see cref="DiskBackedReportStorage"/> (sorted runs
/// spilled to temporary files, for batches larger than memory) give the same partitions for the same reports.</para>
/// <para>An implementation must return exactly one partition per officer, officer 1 first, each sorted by report time
/// with ties in input order, and may enumerate <c>reports</c> only once (it streams from the input file). What backs a
/// partition (temporary files) is released when the partition is disposed, which the prepared replay does after the
/// replay ends, also after a failure or cancellation.</para>
/// </remarks>
public interface IReportStorage
{
    /// <summary>Groups <paramref name="reports"/> per officer, each group sorted by report time (ties keep input order).</summary>
    /// <param name="reports">The assigned reports, in input order; every <see cref="CrimeReport.OfficerId"/> is in 1..<paramref name="officers"/>. Enumerate once.</param>
    /// <param name="officers">How many officers there are.</param>
    /// <param name="cancellationToken">Stops the work; storage already written is released before the exception leaves.</param>
    /// <returns>Exactly <paramref name="officers"/> partitions, officer 1 first (empty ones included).</returns>
    IReadOnlyList<OfficerPartition> Partition(IEnumerable<CrimeReport> reports, int officers, CancellationToken cancellationToken);
}
