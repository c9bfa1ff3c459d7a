using CrimeStreaming.Csv;
using CrimeStreaming.ScaleOut;
using CrimeStreaming.Windowing;

namespace CrimeStreaming.Tests.ScaleOut;

/// <summary>Reports for the scale-out tests and a small driver that plays partitions into a merger.</summary>
internal static class ScaleOutData
{
    public static readonly DateTimeOffset Start = new(2024, 3, 1, 0, 0, 0, TimeSpan.Zero);

    private static readonly Lazy<IReadOnlyList<CrimeReport>> RealReplay = new(() =>
    {
        var sink = new RecordingSink();
        var streamer = new BasicCrimeStreamer(new CsvCrimeRecordSource(TestData.Sample2020), new CrimeStreamerOptions { Seed = 3, Officers = 4, AsFastAsPossible = true });
        streamer.RunAsync(sink).GetAwaiter().GetResult();
        return sink.Written.Select(w => w.Report).ToList();
    });

    /// <summary>The real 2020 sample replayed by 4 officers (seed 3), in the order the streamer emitted the reports.</summary>
    public static IReadOnlyList<CrimeReport> Real => RealReplay.Value;

    private static readonly string[] Types = ["BATTERY - SIMPLE ASSAULT", "VEHICLE - STOLEN", "BURGLARY", "THEFT OF IDENTITY", "VANDALISM"];
    private static readonly string[] Areas = ["Central", "Southwest", "Hollywood", "77th Street", "Harbor"];

    /// <summary>A synthetic report at <paramref name="time"/>; <paramref name="n"/> picks its type, area and whether it is near USC.</summary>
    public static CrimeReport Report(DateTimeOffset time, int n, int officer = 1)
    {
        var record = TestData.Record(
            $"S{n:D6}",
            n % 7 == 6 ? null : Types[n % Types.Length],
            time.UtcDateTime,
            Areas[(n / 3) % Areas.Length],
            n % 4 == 0 ? GeoPoint.Usc : null);
        return new CrimeReport(record, time, officer);
    }

    /// <summary><paramref name="count"/> synthetic reports over <paramref name="hours"/> hours from <see cref="Start"/>, in time order, seeded.</summary>
    public static List<CrimeReport> Synthetic(int count, int hours, int seed)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, count)
            .Select(n => Report(Start.AddMinutes(random.Next(hours * 60)), n, officer: 1 + random.Next(4)))
            .OrderBy(r => r.ReportTime)
            .ToList();
    }

    public static Func<CrimeRecord, bool> Near => CrimeAnalyses.NearUscAsOriginal;
}

/// <summary>One message of an input partition: a report, a shard's end marker, or something unreadable.</summary>
internal abstract record Message;

internal sealed record ReportMessage(CrimeReport Report, ReplayShard Shard) : Message;

internal sealed record EndMessage(ReplayShard Shard) : Message;

internal sealed record JunkMessage : Message;

/// <summary>An analysis instance owning one partition: reads its messages in offset order into a fresh aggregator.</summary>
internal sealed class PartitionReader(int partition, int partitionCount, IReadOnlyList<Message> messages, TimeSpan disorder)
{
    public PartitionPaneAggregator Aggregator { get; } = new(partition, disorder, ScaleOutData.Near);

    public int Partition => partition;

    public IReadOnlyList<Message> Messages => messages;

    /// <summary>The next offset to read.</summary>
    public int Next { get; set; }

    public bool Done => Next >= messages.Count;

    /// <summary>Reads the message at <see cref="Next"/>; returns the panes it closed.</summary>
    public List<PanePartial> Step()
    {
        var closed = new List<PanePartial>();
        var offset = Next++;
        switch (messages[offset])
        {
            case ReportMessage m:
                Aggregator.Add(m.Report, offset, m.Shard, closed);
                break;
            case EndMessage m:
                Aggregator.EndShard(m.Shard, offset, closed);
                break;
            default:
                Aggregator.Skip(offset);
                break;
        }

        return closed;
    }

    public PartitionProgress Progress(PartitionState? state = null) =>
        new(partition, partitionCount, Aggregator.ClosedThrough ?? DateTimeOffset.MinValue, state ?? (Aggregator.IsEnded ? PartitionState.Ended : PartitionState.Active))
        {
            Checkpoint = Aggregator.Checkpoint(),
        };
}

/// <summary>A merger and everything it emitted, as canonical lines.</summary>
internal sealed class MergeRun(int partitionCount) : IDisposable
{
    public GlobalWindowMerger Merger { get; } = new(partitionCount);

    public List<string> Emitted { get; } = [];

    public List<PartialOutcome> Outcomes { get; } = [];

    /// <summary>Publishes partials then progress, as an instance does.</summary>
    public IReadOnlyList<GlobalWindowResult> Publish(IEnumerable<PanePartial> partials, PartitionProgress progress)
    {
        foreach (var partial in partials)
        {
            Outcomes.Add(Merger.Add(partial));
        }

        return Add(progress);
    }

    public IReadOnlyList<GlobalWindowResult> Add(PartitionProgress progress)
    {
        var results = Merger.Add(progress);
        Emitted.AddRange(results.Select(r => r.ToCanonicalString()));
        return results;
    }

    public void Dispose() => Merger.Dispose();
}

internal static class Feeds
{
    /// <summary>Messages of a partition replayed in one process: its reports in the given order, then the end marker.</summary>
    public static List<Message> Whole(IEnumerable<CrimeReport> reports) =>
        [.. reports.Select(r => (Message)new ReportMessage(r, ReplayShard.Whole)), new EndMessage(ReplayShard.Whole)];

    /// <summary>
    /// Messages of a partition replayed by <paramref name="k"/> shards (shard i replays officers i, i + k, …): each shard's
    /// reports in its own order followed by its end marker, the shards interleaved at random (seeded).
    /// </summary>
    public static List<Message> Sharded(IReadOnlyList<CrimeReport> reports, int k, int seed)
    {
        var shards = Enumerable.Range(1, k).Select(i => new ReplayShard(i, k)).ToList();
        var queues = shards
            .Select(s => new Queue<Message>([.. reports.Where(r => s.Owns(r.OfficerId)).Select(r => (Message)new ReportMessage(r, s)), new EndMessage(s)]))
            .ToList();
        var random = new Random(seed);
        var messages = new List<Message>();
        while (queues.Any(q => q.Count > 0))
        {
            var open = queues.Where(q => q.Count > 0).ToList();
            messages.Add(open[random.Next(open.Count)].Dequeue());
        }

        return messages;
    }

    /// <summary>Splits reports by officer over <paramref name="partitions"/> partitions, as the producer keys them.</summary>
    public static List<List<CrimeReport>> ByOfficer(IReadOnlyList<CrimeReport> reports, int partitions) =>
        Enumerable.Range(0, partitions).Select(p => reports.Where(r => (r.OfficerId - 1) % partitions == p).ToList()).ToList();

    /// <summary>Picks which partition reads its next message, among those not read to their end.</summary>
    public delegate int Scheduler(IReadOnlyList<PartitionReader> readers);

    public static Scheduler RoundRobin()
    {
        var last = -1;
        return readers =>
        {
            do
            {
                last = (last + 1) % readers.Count;
            }
            while (readers[last].Done);
            return last;
        };
    }

    /// <summary>Every other partition to its end first, partition <paramref name="behind"/> last.</summary>
    public static Scheduler Last(int behind) =>
        readers => readers.FirstOrDefault(r => !r.Done && r.Partition != behind)?.Partition ?? behind;

    public static Scheduler Random(int seed)
    {
        var random = new Random(seed);
        return readers =>
        {
            var open = readers.Where(r => !r.Done).ToList();
            return open[random.Next(open.Count)].Partition;
        };
    }

    /// <summary>
    /// Plays every partition into a merger, one message at a time in the order <paramref name="schedule"/> picks the
    /// partitions (a partition read to its end is passed over), publishing the step's partials and the progress after
    /// every step.
    /// </summary>
    public static MergeRun Play(IReadOnlyList<IReadOnlyList<Message>> partitions, Scheduler schedule, TimeSpan disorder, Action<PartitionReader, MergeRun>? afterStep = null)
    {
        var run = new MergeRun(partitions.Count);
        var readers = partitions.Select((m, p) => new PartitionReader(p, partitions.Count, m, disorder)).ToList();
        Play(run, readers, schedule, afterStep);
        return run;
    }

    public static void Play(MergeRun run, IReadOnlyList<PartitionReader> readers, Scheduler schedule, Action<PartitionReader, MergeRun>? afterStep = null)
    {
        while (readers.Any(r => !r.Done))
        {
            var reader = readers[schedule(readers)];
            run.Publish(reader.Step(), reader.Progress());
            afterStep?.Invoke(reader, run);
        }
    }
}
