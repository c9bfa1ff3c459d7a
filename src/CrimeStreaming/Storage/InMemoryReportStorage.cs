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
        var parts = new EntryChunks[officers];
        for (var i = 0; i < officers; i++)
        {
            parts[i] = new EntryChunks();
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
            var sorted = parts[i].SortedByReportTime();
            parts[i] = null!; // let the unsorted chunks go before the next officer's are sorted
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

    /// <summary>
    /// One officer's entries in input order, in fixed-size chunks: growing never copies (entries are large structs), and
    /// sorting moves 16-byte keys, not entries; each entry is copied once, into the exact-size sorted array.
    /// </summary>
    private sealed class EntryChunks
    {
        private const int ChunkBits = 9; // 512 entries of ~120 bytes: under the large-object threshold
        private const int ChunkSize = 1 << ChunkBits;
        private readonly List<CompactReportStore.Entry[]> _chunks = [];
        private int _count;

        public void Add(in CompactReportStore.Entry entry)
        {
            var slot = _count & (ChunkSize - 1);
            if (slot == 0)
            {
                _chunks.Add(new CompactReportStore.Entry[ChunkSize]);
            }

            _chunks[^1][slot] = entry;
            _count++;
        }

        /// <summary>Stable sort by report time: reports with equal times keep their input order.</summary>
        public CompactReportStore.Entry[] SortedByReportTime()
        {
            var keys = new (long Ticks, int Index)[_count];
            for (var i = 0; i < _count; i++)
            {
                keys[i] = (_chunks[i >> ChunkBits][i & (ChunkSize - 1)].ReportUtcTicks, i);
            }

            Array.Sort(keys);
            var sorted = new CompactReportStore.Entry[_count];
            for (var i = 0; i < sorted.Length; i++)
            {
                var index = keys[i].Index;
                sorted[i] = _chunks[index >> ChunkBits][index & (ChunkSize - 1)];
            }

            return sorted;
        }
    }
}
