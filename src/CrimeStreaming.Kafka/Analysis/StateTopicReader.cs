using Confluent.Kafka;
using Microsoft.Extensions.Logging;

namespace CrimeStreaming.Kafka.Analysis;

/// <summary>
/// Follows every partition of the state topic from its newest messages, as Kafka Streams restores a store from its
/// changelog: keeps each input partition's latest state (the one with the greatest next offset) and the group's
/// settings. An instance restores the partitions it is given from here, and knows from here when every partition of
/// the group has ended.
/// </summary>
/// <remarks>
/// <para>Reading starts <see cref="TailLength"/> messages before each partition's end (every state message is complete,
/// so the newest valid one is all a restore needs): its cost does not grow with the topic's history. Only when the tail
/// holds no valid state does the reader go back to the log start.</para>
/// <para>Foreign or corrupt messages are skipped, counted and logged. Not thread-safe: used by the instance's loop.</para>
/// </remarks>
internal sealed class StateTopicReader : IDisposable
{
    /// <summary>How many of a partition's newest messages are read first.</summary>
    public const int TailLength = 32;

    private readonly string _topic;
    private readonly ILogger _logger;
    private readonly ConsumerRuntime<byte[]> _runtime;
    private readonly IConsumer<byte[], byte[]> _consumer;
    private readonly Newest?[] _newest;
    private readonly OwnStates? _own;
    private readonly long[] _next;
    private readonly long[] _start;
    private readonly long[] _low;
    private readonly long[] _judgedFrom; // per partition: offsets in [from, to) were judged (a rewind reads them again)
    private readonly long[] _judgedTo;
    private long _foreign;
    private long _read;
    private readonly TimeSpan _patience;
    private readonly AnalysisRegistry _analyses;

    /// <summary>Starts following <paramref name="topic"/>'s <paramref name="partitions"/> partitions from their tails.</summary>
    /// <param name="options">The group's options (connection, patience, analyses).</param>
    /// <param name="topic">The state topic.</param>
    /// <param name="partitions">Its partitions: one per input partition.</param>
    /// <param name="logger">Where skipped messages are logged.</param>
    /// <param name="own">The states this instance writes: read back, they are not decoded (see <see cref="OwnStates"/>).</param>
    public StateTopicReader(KafkaWindowAnalyserOptions options, string topic, int partitions, ILogger logger, OwnStates? own = null)
    {
        _own = own;
        _patience = options.UnreachableTimeout;
        _analyses = new AnalysisRegistry(options.AllAnalyses());
        _topic = topic;
        _logger = logger;
        _newest = new Newest?[partitions];
        _next = new long[partitions];
        _start = new long[partitions];
        _low = new long[partitions];
        _judgedFrom = new long[partitions];
        _judgedTo = new long[partitions];
        _runtime = new ConsumerRuntime<byte[]>(
            options.Apply(new ConsumerConfig
            {
                GroupId = options.GroupId + "-state",
                EnableAutoCommit = false,
                EnableAutoOffsetStore = false,
                AutoOffsetReset = AutoOffsetReset.Earliest,
                FetchWaitMaxMs = 10,
            }),
            "state reader",
            logger);
        _consumer = _runtime.Consumer;
        var assignment = new List<TopicPartitionOffset>();
        for (var p = 0; p < partitions; p++)
        {
            var w = Watermarks(p);
            _low[p] = w.Low.Value;
            _start[p] = Math.Max(w.Low.Value, w.High.Value - TailLength);
            _next[p] = _start[p];
            _judgedFrom[p] = _start[p];
            _judgedTo[p] = _start[p];
            assignment.Add(new TopicPartitionOffset(topic, p, _start[p]));
        }

        _consumer.Assign(assignment);
    }

    /// <summary>The settings the group published (the newest seen); <see langword="null"/> when none was.</summary>
    public AnalysisSettings? GroupSettings { get; private set; }

    /// <summary>Messages on the state topic that were not state of this format, skipped (each counted once).</summary>
    public long ForeignMessages => _foreign;

    /// <summary>Messages read so far, valid or not: what restoring cost.</summary>
    public long MessagesRead => _read;

    /// <summary>Whether every partition's latest state has ended and holds no partial still to publish.</summary>
    public bool IsComplete => _newest.All(n => n is { Summary: { IsEnded: true, Unpublished: 0 } });

    /// <summary>The latest state of input partition <paramref name="partition"/>; <see langword="null"/> when none was read.</summary>
    public StateRecord? Latest(int partition)
    {
        if (_newest[partition] is { Record: null, Message: { } message })
        {
            // One of this instance's own states, read back without decoding: decoded now, for a restore.
            var record = StateRecordCodec.Decode(message, _analyses, out var reason);
            _newest[partition] = record is null ? null : new Newest(StateSummary.Of(record)!.Value, record, null);
            if (record is null)
            {
                _foreign++;
                _logger.LogWarning("Skipped a state message of partition {Partition} this instance wrote: {Reason}", partition, reason);
            }
        }

        return _newest[partition]?.Record;
    }

    /// <summary>Reads every message the given partitions hold now; <see langword="false"/> when that took longer than <paramref name="timeout"/>.</summary>
    public bool CatchUp(IEnumerable<int> partitions, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var targets = partitions.ToDictionary(p => p, p => Watermarks(p, cancellationToken).High.Value);
        while (true)
        {
            var behind = targets.Where(t => _next[t.Key] < t.Value).ToList();
            if (behind.Count == 0)
            {
                // A tail without any valid state: read the partition's whole log once (its state may be further back).
                var rewind = targets.Keys.Where(p => _newest[p] is null && _start[p] > _low[p]).ToList();
                if (rewind.Count == 0)
                {
                    return true;
                }

                foreach (var p in rewind)
                {
                    _logger.LogWarning("No valid state among the last {Count} messages of {Topic} partition {Partition}: reading it from its start", TailLength, _topic, p);
                    _start[p] = _low[p];
                    _next[p] = _low[p];
                    _consumer.Seek(new TopicPartitionOffset(_topic, p, _low[p]));
                }

                continue;
            }

            if (clock.Elapsed > timeout || cancellationToken.IsCancellationRequested)
            {
                return false;
            }

            if (!Read(TimeSpan.FromMilliseconds(20)))
            {
                // Gaps (compaction, transaction markers) hold no message: the consumer's position says how far it got.
                foreach (var (p, _) in behind)
                {
                    var position = _consumer.Position(new TopicPartition(_topic, p));
                    if (!position.IsSpecial)
                    {
                        _next[p] = Math.Max(_next[p], position.Value);
                    }
                }
            }
        }
    }

    /// <summary>Reads what has arrived, without waiting.</summary>
    public void Poll()
    {
        for (var i = 0; i < 10_000 && Read(TimeSpan.Zero); i++)
        {
        }
    }

    public void Dispose() => _runtime.Dispose();

    private WatermarkOffsets Watermarks(int partition, CancellationToken cancellationToken = default) =>
        KafkaRetry.Run(() => _consumer.QueryWatermarkOffsets(new TopicPartition(_topic, partition), TimeSpan.FromSeconds(10)), $"Reading the offsets of {_topic} partition {partition}", _patience, _logger, cancellationToken);

    private bool Read(TimeSpan timeout)
    {
        var result = _runtime.Poll(timeout);
        if (result?.Message is null)
        {
            return false;
        }

        var p = result.Partition.Value;
        _read++;
        _next[p] = Math.Max(_next[p], result.Offset.Value + 1);
        var firstTime = result.Offset.Value < _judgedFrom[p] || result.Offset.Value >= _judgedTo[p];
        _judgedTo[p] = Math.Max(_judgedTo[p], result.Offset.Value + 1);
        if (_own is not null && _own.TryTake(result.Message.Headers, out var own) && own.Partition == p)
        {
            GroupSettings = own.Settings;
            if (_newest[p] is not { } newest || own.NextOffset >= newest.Summary.NextOffset)
            {
                _newest[p] = new Newest(own, null, result.Message);
            }

            return true;
        }

        var record = StateRecordCodec.Decode(result.Message, _analyses, out var reason);
        if (record is null || (record.Snapshot is { } s && s.Partition != p))
        {
            if (!firstTime)
            {
                return true; // read again after a rewind: counted and logged the first time
            }

            _foreign++;
            _logger.LogWarning("Skipped state message {Partition}@{Offset}: {Reason}", p, result.Offset.Value, reason ?? "the state of another partition");
            return true;
        }

        GroupSettings = record.Settings;
        if (StateSummary.Of(record) is { } summary && (_newest[p] is not { } known || summary.NextOffset >= known.Summary.NextOffset))
        {
            _newest[p] = new Newest(summary, record, null);
        }

        return true;
    }

    /// <summary>
    /// A partition's newest state: its summary, and the record decoded, or the message of one of this instance's own
    /// states, decoded only when a restore asks for it.
    /// </summary>
    private sealed record Newest(StateSummary Summary, StateRecord? Record, Message<byte[], byte[]>? Message);
}
