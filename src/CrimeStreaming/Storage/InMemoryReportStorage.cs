using System.Runtime.CompilerServices;
using CrimeStreaming.Storage.Compact;

namespace CrimeStreaming.Storage;

/// <summary>Holds every report in memory, compactly. Right for files up to a few million rows; the default storage.</summary>
/// <remarks>
/// Reports are kept in a compact form (about 170 bytes each for the 2020 LAPD schema: shared values numbered, unique
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

        // Officers sort independently: on more than one core, side by side (reading is over by now).
        var result = new OfficerPartition[officers];
        Parallel.For(0, officers, new ParallelOptions { CancellationToken = cancellationToken }, i =>
        {
            var entries = parts[i];
            var order = entries.OrderByReportTime();
            result[i] = new OfficerPartition(i + 1, order.Length, Replay(store, entries, order, i + 1));
        });
        return result;
    }

    private static IEnumerable<CrimeReport> Replay(CompactReportStore store, EntryChunks entries, int[] order, int officerId)
    {
        for (var i = 0; i < order.Length; i++)
        {
            yield return store.Materialize(entries[order[i]], officerId);
        }
    }

    /// <summary>
    /// One officer's entries in input order, in fixed-size chunks: growing never copies (entries are large structs), and
    /// they are never moved again: replay reads them through the sorted order of their indexes.
    /// </summary>
    private sealed class EntryChunks
    {
        private const int ChunkBits = 9; // 512 entries of 88 bytes
        private const int ChunkSize = 1 << ChunkBits;
        private readonly List<CompactReportStore.Entry[]> _chunks = [];
        private int _count;

        public ref readonly CompactReportStore.Entry this[int index] => ref _chunks[index >> ChunkBits][index & (ChunkSize - 1)];

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public void Add(in CompactReportStore.Entry entry)
        {
            var slot = _count & (ChunkSize - 1);
            if (slot == 0)
            {
                // On the pinned-object heap: the collector never copies chunks from one generation to the next, as it
                // copied every entry of a 1M-row file twice before (GC pauses 100 ms, now about 65 ms).
                _chunks.Add(GC.AllocateUninitializedArray<CompactReportStore.Entry>(ChunkSize, pinned: true));
            }

            _chunks[^1][slot] = entry;
            _count++;
        }

        /// <summary>The entries' indexes by report time; equal times keep their input order.</summary>
        public int[] OrderByReportTime()
        {
            var ticks = new long[_count];
            for (var i = 0; i < ticks.Length; i++)
            {
                ticks[i] = this[i].ReportUtcTicks;
            }

            return StableOrder.ByKey(ticks);
        }
    }
}
