namespace CrimeStreaming;

/// <summary>The reports one police officer replays, sorted by report time.</summary>
/// <remarks>
/// <see cref="Reports"/> may be enumerated more than once only if the partitioner says so; the replay enumerates it
/// once. Disposing releases what backs the reports (temporary files of a disk-backed partitioner).
/// </remarks>
public sealed class OfficerPartition : IDisposable
{
    private Action? _release;

    /// <summary>Creates a partition.</summary>
    /// <param name="officerId">The officer, from 1 to the number of officers.</param>
    /// <param name="count">How many reports <paramref name="reports"/> yields.</param>
    /// <param name="reports">The reports in report-time order, every one with <see cref="CrimeReport.OfficerId"/> = <paramref name="officerId"/>.</param>
    /// <param name="release">Called once on <see cref="Dispose"/>, e.g. to delete temporary files.</param>
    public OfficerPartition(int officerId, long count, IEnumerable<CrimeReport> reports, Action? release = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(officerId, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        ArgumentNullException.ThrowIfNull(reports);
        OfficerId = officerId;
        Count = count;
        Reports = reports;
        _release = release;
    }

    /// <summary>The officer, from 1 to the number of officers.</summary>
    public int OfficerId { get; }

    /// <summary>How many reports the officer replays.</summary>
    public long Count { get; }

    /// <summary>The officer's reports, sorted by report time.</summary>
    public IEnumerable<CrimeReport> Reports { get; }

    /// <inheritdoc/>
    public void Dispose() => Interlocked.Exchange(ref _release, null)?.Invoke();
}
