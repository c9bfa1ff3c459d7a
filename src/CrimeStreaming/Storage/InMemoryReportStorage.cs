using CrimeStreaming.Storage.Compact;

namespace CrimeStreaming.Storage;

/// <summary>Holds every report in memory, compactly. Right for files up to a few million rows; the default storage.</summary>
/// <remarks>
/// Reports are kept in a compact form (about 200 bytes each for the 2020 LAPD schema: shared values numbered, unique
/// text as UTF-8) and materialised again as <see cref="CrimeReport"/>s, equal field for field, when their officer
/// replays them. Stateless: one instance may serve any number of streamers and runs.
/// </remarks>
public sealed class InMemoryReportStorage : IReportStorage
{
    /// <summary>The shared instance.</summary>
    public static InMemoryReportStorage Instance { get; } = new();

    /// <inheritdoc/>
    public IReadOnlyList<OfficerPartition> Partition(IEnumerable<CrimeReport> reports, int officers, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(reports);
        ArgumentOutOfRangeException.ThrowIfLessThan(officers, 1);
        var store = new CompactReportStore();
        var parts = new List<CompactReportStore.Entry>[officers];
        for (var i = 0; i < officers; i++)
        {
            parts[i] = [];
        }

        var n = 0;
        foreach (var report in reports)
        {
            if ((++n & 0xFFF) == 0)
            {
                cancellationToken.ThrowIfCancellationRequested();
            }

            parts[report.OfficerId - 1].Add(store.Add(report));
        }

        var result = new OfficerPartition[officers];
        for (var i = 0; i < officers; i++)
        {
            var sorted = SortByReportTime(parts[i]);
            parts[i] = null!; // let the unsorted copy go before the next officer's is sorted
            result[i] = new OfficerPartition(i + 1, sorted.Length, Replay(store, sorted, i + 1));
        }

        return result;
    }

    private static IEnumerable<CrimeReport> Replay(CompactReportStore store, CompactReportStore.Entry[] entries, int officerId)
    {
        for (var i = 0; i < entries.Length; i++)
        {
            yield return store.Materialize(entries[i], officerId);
        }
    }

    /// <summary>Stable sort by report time: reports with equal times keep their input order.</summary>
    private static CompactReportStore.Entry[] SortByReportTime(List<CompactReportStore.Entry> entries)
    {
        var items = entries.ToArray();
        var keys = new (long Ticks, int Index)[items.Length];
        for (var i = 0; i < items.Length; i++)
        {
            keys[i] = (items[i].ReportUtcTicks, i);
        }

        Array.Sort(keys, items);
        return items;
    }
}
