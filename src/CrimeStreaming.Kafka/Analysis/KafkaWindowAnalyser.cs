using Confluent.Kafka;
using CrimeStreaming.ScaleOut;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace CrimeStreaming.Kafka.Analysis;

/// <summary>
/// One analysis instance of a consumer group: aggregates the input partitions it is given into hour-pane partials with a
/// watermark per partition, and publishes them, with each partition's progress and checkpoint, to the results topic that
/// <see cref="KafkaWindowResults"/> merges into global windows. Run as many instances as there are partitions — threads
/// of one process or processes on several machines — and the global results stay those of one instance.
/// </summary>
/// <remarks>
/// <para>Every <see cref="KafkaWindowAnalyserOptions.CommitInterval"/> (or 500 messages) the instance publishes the
/// partials it closed and its partitions' progress with a checkpoint; once the results topic has them, it commits its
/// read position. An instance that takes a partition over (rebalance, crash) reads the results topic up to date,
/// restores the partition's last checkpoint and re-reads from the checkpoint's recovery offset, the first offset of the
/// oldest pane then open: the panes its predecessor had not published are recomputed whole, those it had are skipped,
/// and a repeat that still reaches the merger is an identical duplicate, dropped.</para>
/// <para>On the wire this is at-least-once (reports are re-read, partials may be published twice); in the results it is
/// exactly-once: every report counts once in the global windows.</para>
/// </remarks>
public sealed class KafkaWindowAnalyser
{
    private const int PartialsPerMessage = 400; // keeps a results message far below the default 1 MB limit
    private const int FlushEvery = 500; // input messages: publish (and so release the replay's lag bound) at least this often
    private static readonly TimeSpan MinCommitSpacing = TimeSpan.FromMilliseconds(5);

    private readonly KafkaWindowAnalyserOptions _options;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly LogStartGuard _guard;
    private readonly Dictionary<int, Owned> _owned = [];
    private readonly List<PanePartial> _pending = [];
    private long _read;
    private long _reports;
    private long _late;
    private long _replayed;
    private long _invalid;
    private long _endMarkers;
    private long _partials;
    private long _messages;
    private long _assigned;
    private long _restored;
    private long _revoked;
    private int _ownedCount;
    private int _readSinceFlush;
    private int _storedSinceCommit;
    private volatile bool _crashed;
    private volatile Error? _deliveryError;

    /// <summary>Creates an instance; <see cref="RunAsync(CancellationToken)"/> starts it.</summary>
    /// <param name="options">Bootstrap servers, topics, group, windows; copied and validated.</param>
    /// <param name="logger">Where to log; the default logs nothing.</param>
    /// <param name="timeProvider">The wall clock for idleness and commit intervals. The default value is <see cref="TimeProvider.System"/>.</param>
    /// <exception cref="InvalidOptionsException"><paramref name="options"/> are invalid.</exception>
    public KafkaWindowAnalyser(KafkaWindowAnalyserOptions options, ILogger? logger = null, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options = options.Clone();
        options.Validate();
        _options = options;
        _logger = logger ?? NullLogger.Instance;
        _time = timeProvider ?? TimeProvider.System;
        InstanceId = Guid.NewGuid().ToString("N")[..12];
        _guard = new LogStartGuard(_logger, RaiseLost);
    }

    /// <summary>
    /// Raised when messages of an assigned partition were deleted (retention) before this instance read them: their
    /// reports are missing from the results. Bound the replay's lead with <see cref="KafkaCrimeSinkOptions.ConsumerLagLimit"/>.
    /// </summary>
    public event Action<LostMessages>? MessagesLost;

    /// <summary>The validated options (a copy: changing the caller's object later has no effect).</summary>
    public KafkaWindowAnalyserOptions Options => _options;

    /// <summary>This instance's name on the results topic (the key of its messages).</summary>
    public string InstanceId { get; }

    /// <summary>
    /// Raised on the instance's consumer thread for every report it aggregates (a live view's hook). A report re-read
    /// after a take-over may be raised again, by its new owner; the global results count it once.
    /// </summary>
    public event Action<CrimeReport>? ReportAnalysed;

    /// <summary>How many input partitions this instance holds now.</summary>
    public int OwnedPartitions => Volatile.Read(ref _ownedCount);

    /// <summary>Counts so far.</summary>
    public KafkaAnalysisSummary Summary => new()
    {
        Read = Interlocked.Read(ref _read),
        Reports = Interlocked.Read(ref _reports),
        Late = Interlocked.Read(ref _late),
        Replayed = Interlocked.Read(ref _replayed),
        Invalid = Interlocked.Read(ref _invalid),
        EndMarkers = Interlocked.Read(ref _endMarkers),
        Partials = Interlocked.Read(ref _partials),
        ResultsMessages = Interlocked.Read(ref _messages),
        Assigned = Interlocked.Read(ref _assigned),
        Restored = Interlocked.Read(ref _restored),
        Revoked = Interlocked.Read(ref _revoked),
        Lost = _guard.Lost,
    };

    /// <summary>
    /// Joins the group and analyses until the global results are complete (with
    /// <see cref="KafkaWindowAnalyserOptions.StopWhenComplete"/>) or <paramref name="cancellationToken"/> fires; then
    /// publishes and commits what it has and leaves the group.
    /// </summary>
    /// <exception cref="KafkaException">A topic is missing, the results topic has more than one partition, or publishing failed.</exception>
    public Task RunAsync(CancellationToken cancellationToken = default) => RunAsync(cancellationToken, CancellationToken.None);

    /// <summary>As <see cref="RunAsync(CancellationToken)"/>; <paramref name="crash"/> stops the instance as a crash would: nothing more published or committed.</summary>
    internal Task RunAsync(CancellationToken cancellationToken, CancellationToken crash)
    {
        crash.Register(() => _crashed = true);
        return Task.Factory.StartNew(() => Run(cancellationToken), cancellationToken, TaskCreationOptions.LongRunning, TaskScheduler.Default);
    }

    private void Run(CancellationToken cancellationToken)
    {
        var partitionCount = AnalysisTopics.Check(_options, _logger);
        var outage = new BrokerOutage(_options, _time);
        using var results = new KafkaWindowResults(_options, _logger, followOnly: true, partitionCount);
        using var stopFollower = new CancellationTokenSource();
        var follower = results.RunAsync(stopWhenComplete: false, stopFollower.Token);
        using var producer = new ProducerBuilder<byte[], byte[]>(_options.Apply(new ProducerConfig
        {
            Acks = Acks.All,
            EnableIdempotence = true,
            LingerMs = 5,
            CompressionType = CompressionType.Lz4,
        }))
            .SetLogHandler((_, m) => KafkaLog.Message(_logger, m))
            .SetErrorHandler((_, e) => KafkaLog.Error(_logger, "results producer", e))
            .Build();
        var config = _options.Apply(new ConsumerConfig
        {
            GroupId = _options.GroupId,
            // Offsets are stored only once the results that cover them are delivered (see Publish), then committed by the
            // loop as soon as it sees them: a replay bounded by this group's lag waits for exactly these commits.
            EnableAutoCommit = false,
            EnableAutoOffsetStore = false,
            EnablePartitionEof = true,
            AutoOffsetReset = AutoOffsetReset.Earliest,
            FetchWaitMaxMs = 10, // a replay bounded by this group's lag waits for it: fetch what arrives at once
            SessionTimeoutMs = (int)_options.SessionTimeout.TotalMilliseconds,
            HeartbeatIntervalMs = Math.Max(100, (int)_options.SessionTimeout.TotalMilliseconds / 3),
        });
        using var consumer = new ConsumerBuilder<Ignore, byte[]>(config)
            .SetLogHandler((_, m) => KafkaLog.Message(_logger, m))
            .SetErrorHandler((_, e) =>
            {
                outage.OnError(e);
                KafkaLog.Error(_logger, "analysis consumer", e);
            })
            .SetPartitionsAssignedHandler((c, partitions) => OnAssigned(c, partitions, partitionCount, results, cancellationToken))
            .SetPartitionsRevokedHandler((c, partitions) => OnRevoked(c, producer, partitions.Select(p => p.Partition.Value).ToList(), partitionCount, commit: true))
            .SetPartitionsLostHandler((c, partitions) => OnRevoked(c, producer, partitions.Select(p => p.Partition.Value).ToList(), partitionCount, commit: false))
            .Build();
        consumer.Subscribe(_options.Topic);
        var closed = new List<PanePartial>();
        var lastFlush = _time.GetTimestamp();
        var lastCommit = lastFlush;
        try
        {
            while (!cancellationToken.IsCancellationRequested && !_crashed && !(_options.StopWhenComplete && results.IsComplete))
            {
                if (follower.IsFaulted)
                {
                    follower.GetAwaiter().GetResult();
                }

                ConsumeResult<Ignore, byte[]>? result;
                try
                {
                    result = consumer.Consume(TimeSpan.FromMilliseconds(50));
                }
                catch (ConsumeException e) when (!e.Error.IsFatal)
                {
                    _logger.LogWarning("Analysis consume error {Code}: {Reason}", e.Error.Code, e.Error.Reason);
                    continue;
                }

                if (result is null)
                {
                    outage.Check(consumer);
                }
                else
                {
                    outage.OnAlive();
                }

                if (result is not null && _owned.TryGetValue(result.Partition.Value, out var owned))
                {
                    if (result.IsPartitionEOF)
                    {
                        owned.AtEnd = true;
                    }
                    else
                    {
                        Process(consumer, owned, result, closed);
                    }
                }

                if (_deliveryError is { } failed)
                {
                    // Results this instance published were lost: stop without committing, as a crash would; whoever
                    // takes its partitions over recomputes from the last commit.
                    _crashed = true;
                    throw new KafkaException(failed);
                }

                if (Volatile.Read(ref _storedSinceCommit) == 1 && _time.GetElapsedTime(lastCommit) >= MinCommitSpacing)
                {
                    // Stored offsets are committed promptly (a lag-bounded replay waits for them), but not after every message.
                    Volatile.Write(ref _storedSinceCommit, 0);
                    CommitStored(consumer);
                    lastCommit = _time.GetTimestamp();
                }

                if (_time.GetElapsedTime(lastFlush) >= _options.CommitInterval || _readSinceFlush >= FlushEvery)
                {
                    MarkIdle(); // idleness changes with the clock, not per message: checked as often as progress is published
                    Publish(consumer, producer, _owned.Keys.ToList(), partitionCount, wait: false);
                    lastFlush = _time.GetTimestamp();
                    _readSinceFlush = 0;
                }
            }
        }
        finally
        {
            try
            {
                Publish(consumer, producer, _owned.Keys.ToList(), partitionCount, wait: true);
            }
            catch (KafkaException e)
            {
                _logger.LogError("Could not publish this instance's last results: {Reason}", e.Error.Reason);
            }

            consumer.Close();
            stopFollower.Cancel();
            try
            {
                follower.GetAwaiter().GetResult();
            }
            catch (OperationCanceledException)
            {
            }
        }
    }

    private void Process(IConsumer<Ignore, byte[]> consumer, Owned owned, ConsumeResult<Ignore, byte[]> result, List<PanePartial> closed)
    {
        Interlocked.Increment(ref _read);
        _readSinceFlush++;
        _guard.Read(consumer, result.TopicPartition, result.Offset.Value);
        owned.AtEnd = false;
        owned.LastMessage = _time.GetTimestamp();
        if (owned.Idle)
        {
            owned.Idle = false;
            owned.Dirty = true;
        }

        var offset = result.Offset.Value;
        var aggregator = owned.Aggregator;
        closed.Clear();
        try
        {
            if (EndOfStream.IsControl(result.Message.Headers))
            {
                if (EndOfStream.TryRead(result.Message.Headers, out var endedShard))
                {
                    Interlocked.Increment(ref _endMarkers);
                    aggregator.EndShard(endedShard, offset, closed);
                }
                else
                {
                    Invalid(aggregator, result, "unknown control message");
                }
            }
            else if (!ShardHeader.TryRead(result.Message.Headers, out var shard))
            {
                Invalid(aggregator, result, "malformed shard header");
            }
            else
            {
                var report = _options.Deserializer.DeserializeReport(result);
                var lateBefore = aggregator.LateCount;
                var replayedBefore = aggregator.Replayed;
                if (aggregator.Add(report, offset, shard, closed))
                {
                    Interlocked.Increment(ref _reports);
                    RaiseAnalysed(report);
                }
                else
                {
                    Interlocked.Add(ref _late, aggregator.LateCount - lateBefore);
                    Interlocked.Add(ref _replayed, aggregator.Replayed - replayedBefore);
                }
            }
        }
        catch (Exception e) when (e is FormatException or InvalidOperationException)
        {
            Invalid(aggregator, result, e.Message);
        }

        owned.Dirty = true;
        _pending.AddRange(closed);
    }

    private void RaiseLost(LostMessages lost)
    {
        try
        {
            MessagesLost?.Invoke(lost);
        }
        catch (Exception e)
        {
            _logger.LogError(e, "A MessagesLost handler threw.");
        }
    }

    private void RaiseAnalysed(CrimeReport report)
    {
        try
        {
            ReportAnalysed?.Invoke(report);
        }
        catch (Exception e)
        {
            _logger.LogError(e, "A ReportAnalysed handler threw.");
        }
    }

    private void Invalid(PartitionPaneAggregator aggregator, ConsumeResult<Ignore, byte[]> result, string reason)
    {
        Interlocked.Increment(ref _invalid);
        aggregator.Skip(result.Offset.Value);
        _logger.LogWarning("Skipped message {Partition}@{Offset}: {Reason}", result.Partition.Value, result.Offset.Value, reason);
    }

    private void MarkIdle()
    {
        foreach (var owned in _owned.Values)
        {
            if (!owned.Idle && owned.AtEnd && !owned.Aggregator.IsEnded && _time.GetElapsedTime(owned.LastMessage) >= _options.IdleTimeout)
            {
                owned.Idle = true;
                owned.Dirty = true;
            }
        }
    }

    private IEnumerable<TopicPartitionOffset> OnAssigned(IConsumer<Ignore, byte[]> consumer, List<TopicPartition> partitions, int partitionCount, KafkaWindowResults results, CancellationToken cancellationToken)
    {
        if (partitions.Count == 0)
        {
            return [];
        }

        var starts = _guard.Assigned(consumer, partitions).ToDictionary(p => p.Partition.Value, p => p.Offset);

        // The previous owners published and flushed before they let go: read the results topic up to date first.
        if (!results.WaitUntilCaughtUp(_options.RestoreTimeout, cancellationToken) && !cancellationToken.IsCancellationRequested)
        {
            throw new KafkaException(new Error(ErrorCode.Local_TimedOut, $"the results topic {_options.ResultsTopic} could not be read up to date within {_options.RestoreTimeout} to restore partitions {string.Join(", ", partitions.Select(p => p.Partition.Value))}"));
        }

        foreach (var p in partitions)
        {
            var partition = p.Partition.Value;
            if (partition >= partitionCount)
            {
                throw new KafkaException(new Error(ErrorCode.InvalidPartitions, $"topic {_options.Topic} has a partition {partition}, but had {partitionCount} partitions when this instance started: restart the analysis (all instances must agree on the partition count)"));
            }

            var aggregator = new PartitionPaneAggregator(partition, _options.AllowedDisorder, _options.IsNear);
            if (results.LatestCheckpoint(partition) is { } checkpoint)
            {
                aggregator.Restore(checkpoint);
                Interlocked.Increment(ref _restored);
                if (checkpoint.RecoveryOffset is { } recovery)
                {
                    starts[partition] = new Offset(recovery);
                    _guard.Expect(partition, recovery);
                }
            }

            _owned[partition] = new Owned(aggregator, _time.GetTimestamp());
            Interlocked.Increment(ref _assigned);
        }

        Volatile.Write(ref _ownedCount, _owned.Count);

        _logger.LogInformation("Instance {Instance} assigned partitions {Partitions}", InstanceId, string.Join(", ", partitions.Select(p => p.Partition.Value)));
        return partitions.Select(p => new TopicPartitionOffset(p, starts.TryGetValue(p.Partition.Value, out var start) ? start : Offset.Unset)).ToList();
    }

    private void OnRevoked(IConsumer<Ignore, byte[]> consumer, IProducer<byte[], byte[]> producer, List<int> partitions, int partitionCount, bool commit)
    {
        try
        {
            Publish(consumer, producer, partitions, partitionCount, wait: commit);
        }
        catch (KafkaException e)
        {
            // The next owner recomputes from the last commit: nothing is lost, only re-read.
            _logger.LogWarning("Could not publish results of revoked partitions {Partitions}: {Reason}", string.Join(", ", partitions), e.Error.Reason);
        }

        _guard.Revoked(partitions.Select(p => new TopicPartitionOffset(_options.Topic, p, Offset.Unset)));
        foreach (var p in partitions)
        {
            if (_owned.Remove(p))
            {
                Interlocked.Increment(ref _revoked);
            }
        }

        Volatile.Write(ref _ownedCount, _owned.Count);

        // Partials of these partitions not yet published go with them: the next owner recomputes them.
        _pending.RemoveAll(x => partitions.Contains(x.Partition));
    }

    /// <summary>
    /// Publishes pending partials and the progress of <paramref name="partitions"/>; once the results are delivered, the
    /// input offsets they cover are stored for the next commit. With <paramref name="wait"/> (a revocation, the end) it
    /// waits for the delivery and commits at once; without, the loop goes on and the delivery report stores the offsets.
    /// </summary>
    private void Publish(IConsumer<Ignore, byte[]> consumer, IProducer<byte[], byte[]> producer, List<int> partitions, int partitionCount, bool wait)
    {
        if (_crashed)
        {
            return;
        }

        var progress = new List<PartitionProgress>();
        var offsets = new List<TopicPartitionOffset>();
        foreach (var p in partitions)
        {
            if (!_owned.TryGetValue(p, out var owned))
            {
                continue;
            }

            var aggregator = owned.Aggregator;
            if (owned.Dirty)
            {
                var state = aggregator.IsEnded ? PartitionState.Ended : owned.Idle ? PartitionState.Idle : PartitionState.Active;
                progress.Add(new PartitionProgress(p, partitionCount, aggregator.ClosedThrough ?? DateTimeOffset.MinValue, state) { Checkpoint = aggregator.Checkpoint() });
                owned.Dirty = false;
            }

            // The committed offset is the read position (what retention must not overtake: a lag-bounded replay waits
            // for it); recovery starts from the checkpoint's RecoveryOffset, the oldest open pane's first offset.
            if (aggregator.NextOffset is var offset and >= 0 && offset > owned.Committed)
            {
                offsets.Add(new TopicPartitionOffset(_options.Topic, p, offset));
                owned.Committed = offset;
            }
        }

        var partials = _pending.Where(x => partitions.Contains(x.Partition)).ToList();
        _pending.RemoveAll(x => partitions.Contains(x.Partition));
        if (partials.Count > 0 || progress.Count > 0)
        {
            for (var i = 0; i < partials.Count || i == 0; i += PartialsPerMessage)
            {
                var chunk = partials.Skip(i).Take(PartialsPerMessage).ToList();
                var last = i + PartialsPerMessage >= partials.Count;
                var message = WindowResultsCodec.Encode(InstanceId, chunk, last ? progress : []);
                var covered = last && !wait ? offsets : null;
                producer.Produce(_options.ResultsTopic, message, d => OnResultsDelivered(consumer, d, covered));
                Interlocked.Increment(ref _messages);
            }

            Interlocked.Add(ref _partials, partials.Count);
        }
        else if (!wait)
        {
            Store(consumer, offsets); // nothing new to publish: what was published before covers these offsets
            Volatile.Write(ref _storedSinceCommit, offsets.Count > 0 ? 1 : 0);
            return;
        }

        if (!wait)
        {
            return;
        }

        if (producer.Flush(TimeSpan.FromSeconds(30)) > 0 || _deliveryError is not null)
        {
            throw new KafkaException(_deliveryError ?? new Error(ErrorCode.Local_TimedOut, "results not delivered within 30 s"));
        }

        if (offsets.Count > 0)
        {
            try
            {
                consumer.Commit(offsets);
            }
            catch (KafkaException e)
            {
                // The next owner re-reads from the previous commit: committing less only means re-reading more.
                _logger.LogWarning("Commit failed: {Reason}", e.Error.Reason);
            }
        }
    }

    private void OnResultsDelivered(IConsumer<Ignore, byte[]> consumer, DeliveryReport<byte[], byte[]> delivery, List<TopicPartitionOffset>? covered)
    {
        if (delivery.Error.IsError)
        {
            _deliveryError ??= delivery.Error;
            _logger.LogError("Results message not delivered: {Reason}", delivery.Error.Reason);
            return;
        }

        if (covered is not null && _deliveryError is null)
        {
            Store(consumer, covered);
            Volatile.Write(ref _storedSinceCommit, 1);
        }
    }

    private void CommitStored(IConsumer<Ignore, byte[]> consumer)
    {
        try
        {
            consumer.Commit();
        }
        catch (KafkaException e) when (e.Error.Code == ErrorCode.Local_NoOffset)
        {
            // nothing stored since the last commit
        }
        catch (KafkaException e)
        {
            _logger.LogWarning("Commit failed: {Reason}", e.Error.Reason);
        }
    }

    private void Store(IConsumer<Ignore, byte[]> consumer, List<TopicPartitionOffset> offsets)
    {
        foreach (var offset in offsets)
        {
            try
            {
                consumer.StoreOffset(offset);
            }
            catch (KafkaException)
            {
                // Revoked meanwhile: the revocation committed (or its successor re-reads) what matters.
            }
        }
    }

    private sealed class Owned(PartitionPaneAggregator aggregator, long now)
    {
        public PartitionPaneAggregator Aggregator { get; } = aggregator;

        public long LastMessage { get; set; } = now;

        public bool AtEnd { get; set; }

        public bool Idle { get; set; }

        public bool Dirty { get; set; } = true;

        public long Committed { get; set; } = -1;
    }
}
