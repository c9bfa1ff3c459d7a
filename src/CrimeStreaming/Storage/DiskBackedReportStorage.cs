using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace CrimeStreaming.Storage;

/// <summary>
/// Storage for batches larger than memory: buffers the assigned reports per officer while they stream in, and spills
/// each officer's buffer as a sorted run to a temporary file whenever the memory budget is reached; an officer's
/// replay merges its runs.
/// </summary>
/// <remarks>
/// <para>The partitions equal <see cref="InMemoryReportStorage"/>'s for the same reports (same order, ties in input
/// order), so the storage changes memory use, never what is replayed.</para>
/// <para>Run files live in a directory of their own under <see cref="DiskBackedOptions.TemporaryDirectory"/>; it is
/// deleted when the last partition is disposed (the prepared replay does it after completion, failure or cancellation),
/// and at once if partitioning fails or is cancelled.</para>
/// </remarks>
public sealed class DiskBackedReportStorage : IReportStorage
{
    private const int ReadBuffer = 1 << 16;
    private readonly ILogger _logger;
    private SpillStatistics? _lastSpill;

    /// <summary>Creates the storage.</summary>
    /// <param name="options">The options; validated and copied. The default is <see cref="DiskBackedOptions"/>' defaults.</param>
    /// <param name="logger">Where spills are logged. The default logs nothing.</param>
    public DiskBackedReportStorage(DiskBackedOptions? options = null, ILogger? logger = null)
    {
        var copy = (options ?? new DiskBackedOptions()).Clone();
        copy.Validate();
        Options = copy;
        _logger = logger ?? NullLogger.Instance;
    }

    /// <summary>The validated options (a copy: changing the caller's object later has no effect).</summary>
    public DiskBackedOptions Options { get; }

    /// <summary>What the last partitioning spilled, or <see langword="null"/> before the first.</summary>
    public SpillStatistics? LastSpill => Volatile.Read(ref _lastSpill);

    /// <inheritdoc/>
    public IReadOnlyList<OfficerPartition> Partition(IEnumerable<CrimeReport> reports, int officers, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(reports);
        ArgumentOutOfRangeException.ThrowIfLessThan(officers, 1);
        var directory = Path.Combine(Options.TemporaryDirectory ?? Path.GetTempPath(), $"crimestreaming-{Guid.NewGuid():N}");
        Directory.CreateDirectory(directory);
        try
        {
            var buffers = new List<(CrimeReport Report, long Sequence)>[officers];
            var runs = new List<string>[officers];
            var spilledPerOfficer = new long[officers];
            for (var i = 0; i < officers; i++)
            {
                buffers[i] = [];
                runs[i] = [];
            }

            long sequence = 0, buffered = 0, bytes = 0, spilledReports = 0;
            var runCount = 0;
            foreach (var report in reports)
            {
                if ((sequence & 0xFFF) == 0)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                }

                buffers[report.OfficerId - 1].Add((report, sequence++));
                buffered += EstimateBytes(report);
                if (buffered >= Options.MemoryBudgetBytes)
                {
                    for (var i = 0; i < officers; i++)
                    {
                        if (buffers[i].Count == 0)
                        {
                            continue;
                        }

                        var path = Path.Combine(directory, $"officer-{i + 1}-run-{runs[i].Count}.bin");
                        bytes += WriteRun(path, buffers[i]);
                        spilledReports += buffers[i].Count;
                        spilledPerOfficer[i] += buffers[i].Count;
                        runs[i].Add(path);
                        runCount++;
                        buffers[i] = [];
                    }

                    buffered = 0;
                }
            }

            Volatile.Write(ref _lastSpill, new SpillStatistics(directory, runCount, bytes, spilledReports));
            _logger.LogInformation("Spilled {Reports} reports in {Runs} runs ({Bytes} bytes) to {Directory}", spilledReports, runCount, bytes, directory);

            var remaining = officers;
            var partitions = new OfficerPartition[officers];
            for (var i = 0; i < officers; i++)
            {
                var tail = Sorted(buffers[i]);
                var files = runs[i];
                var count = tail.Length + spilledPerOfficer[i];
                partitions[i] = new OfficerPartition(i + 1, count, Merge(files, tail), () =>
                {
                    // The last officer released takes the directory with it.
                    if (Interlocked.Decrement(ref remaining) == 0)
                    {
                        TryDelete(directory);
                    }
                });
            }

            return partitions;
        }
        catch
        {
            TryDelete(directory);
            throw;
        }
    }

    private static long EstimateBytes(CrimeReport report)
    {
        // Objects (report, record, list slot) plus the UTF-16 strings they hold.
        var r = report.Record;
        long chars = 0;
        foreach (var field in CrimeRecordFields.Text)
        {
            chars += field.Get(r)?.Length ?? 0;
        }

        return 360 + (2 * chars) + (20 * CrimeRecordFields.Text.Length);
    }

    private static (CrimeReport Report, long Sequence)[] Sorted(List<(CrimeReport Report, long Sequence)> buffer)
    {
        var items = buffer.ToArray();
        var keys = new (long Ticks, long Sequence)[items.Length];
        for (var i = 0; i < items.Length; i++)
        {
            keys[i] = (items[i].Report.ReportTime.UtcTicks, items[i].Sequence);
        }

        Array.Sort(keys, items);
        return items;
    }

    private static long WriteRun(string path, List<(CrimeReport Report, long Sequence)> buffer)
    {
        var sorted = Sorted(buffer);
        using var stream = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16);
        using (var writer = new BinaryWriter(stream, System.Text.Encoding.UTF8, leaveOpen: true))
        {
            writer.Write((long)sorted.Length);
            foreach (var (report, sequence) in sorted)
            {
                SpillCodec.Write(writer, report, sequence);
            }
        }

        return stream.Length;
    }

    /// <summary>k-way merge of the officer's runs and in-memory tail by (report time, input sequence).</summary>
    private static IEnumerable<CrimeReport> Merge(List<string> files, (CrimeReport Report, long Sequence)[] tail)
    {
        var readers = new List<BinaryReader>();
        try
        {
            var queue = new PriorityQueue<int, (long Ticks, long Sequence)>();
            var current = new (CrimeReport Report, long Sequence)[files.Count + 1];
            var left = new long[files.Count];
            for (var i = 0; i < files.Count; i++)
            {
                var reader = new BinaryReader(new FileStream(files[i], FileMode.Open, FileAccess.Read, FileShare.Read, ReadBuffer, FileOptions.SequentialScan), System.Text.Encoding.UTF8);
                readers.Add(reader);
                left[i] = reader.ReadInt64();
                Advance(i);
            }

            var tailIndex = 0;
            if (tail.Length > 0)
            {
                current[files.Count] = tail[tailIndex++];
                queue.Enqueue(files.Count, Key(current[files.Count]));
            }

            while (queue.TryDequeue(out var source, out _))
            {
                yield return current[source].Report;
                if (source < files.Count)
                {
                    Advance(source);
                }
                else if (tailIndex < tail.Length)
                {
                    current[source] = tail[tailIndex++];
                    queue.Enqueue(source, Key(current[source]));
                }
            }

            void Advance(int run)
            {
                if (left[run]-- > 0)
                {
                    current[run] = SpillCodec.Read(readers[run]);
                    queue.Enqueue(run, Key(current[run]));
                }
            }
        }
        finally
        {
            foreach (var reader in readers)
            {
                reader.Dispose();
            }
        }
    }

    private static (long, long) Key((CrimeReport Report, long Sequence) item) => (item.Report.ReportTime.UtcTicks, item.Sequence);

    private void TryDelete(string directory)
    {
        try
        {
            if (Directory.Exists(directory))
            {
                Directory.Delete(directory, recursive: true);
            }
        }
        catch (IOException e)
        {
            _logger.LogWarning("Could not delete the run files in {Directory}: {Message}", directory, e.Message);
        }
        catch (UnauthorizedAccessException e)
        {
            _logger.LogWarning("Could not delete the run files in {Directory}: {Message}", directory, e.Message);
        }
    }
}
