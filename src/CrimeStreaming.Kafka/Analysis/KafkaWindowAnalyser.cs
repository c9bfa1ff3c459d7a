using System.Collections.Concurrent;
using Confluent.Kafka;
using CrimeStreaming.ScaleOut;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace CrimeStreaming.Kafka.Analysis;

/// <summary>
/// One analysis instance of a consumer group: aggregates the input partitions it is given into hour-pane partials with a
/// watermark per partition, and publishes them, with each partition's progress, to the results topic that
/// <see cref="KafkaWindowResults"/> merges into global windows. Run as many instances as there are partitions — threads
/// of one process or processes on several machines — and the global results stay those of one instance, whatever
/// crashes, joins and rebalances happen.
/// </summary>
/// <remarks>
/// <para>State lives in Kafka, as Kafka Streams keeps a store in a changelog: every
/// <see cref="KafkaWindowAnalyserOptions.CommitInterval"/> (or 500 messages) the instance publishes the partials it
/// closed and its partitions' progress, and writes each changed partition's complete state (open panes, watermarks per
/// shard, counts, partials not yet confirmed on the results topic) to its partition of the state topic. Once a state is
/// on the state topic, the instance commits the input offset it covers. An instance that takes a partition over
/// restores the newest state and reads on from the offset it covers: nothing before the last commit is ever read
/// again, so a replay bounded by the group's lag (<see cref="ConsumerLagLimit"/>) protects exactly what recovery needs,
/// and restoring costs the size of one state, not the topics' history.</para>
/// <para>Partials are deterministic (a partition's state is a function of its messages in order), so one published
/// twice — by an instance that crashed before its state said so, and by its successor — is an identical duplicate
/// the merger drops. Every report counts once in the global windows.</para>
/// <para>The settings that change results (<see cref="AnalysisSettings"/>) are the group's: the first member publishes
/// them on the state topic; a member with other settings stops with a <see cref="GroupSettingsException"/> naming the
/// difference, or adopts the group's with <see cref="KafkaWindowAnalyserOptions.AdoptGroupSettings"/>.</para>
/// </remarks>
public sealed class KafkaWindowAnalyser
{
    private const int PartialsPerMessage = 400; // keeps a results message far below the default 1 MB limit
    private const int FlushEvery = 500; // input messages: publish (and so release the replay's lag bound) at least this often

    // Closed partials not yet confirmed by the results topic ride along in every state: beyond this many (a broker
    // outage, a slow topic) reading pauses until confirmations catch up, so that states stay small and the replay,
    // bound by this group's lag, waits with the analysis instead of running ahead of what can be checkpointed.
    private const int MaxUnconfirmedPartials = 1_000;

    // Closed partials waiting to be published go out at this many, whatever the messages read since the last publication:
    // sparse input (a report every hour or so, with 1-hour windows) closes more partials than it reads reports, and
    // publishing only every FlushEvery messages let them reach MaxUnconfirmedPartials and pause reading every ~480 messages.
    private const int PublishPartialsAt = MaxUnconfirmedPartials / 4;

    // States grow with the open panes (the allowed disorder over the pane length): a few MB before compression is
    // possible with weeks of disorder, while LZ4 keeps the batches a broker sees far below its 1 MB default.
    private const int MaxMessageBytes = 16 * 1024 * 1024;
    private static readonly TimeSpan MinCommitSpacing = TimeSpan.FromMilliseconds(5);

    // How long an instance over MaxUnconfirmedPartials waits for the results topic's confirmations before it pauses
    // reading: a healthy topic confirms within milliseconds, and a pause is dear (see Throttle).
    private static readonly TimeSpan ConfirmPatience = TimeSpan.FromMilliseconds(200);

    // How long the loop waits for a message: briefly while a state it published awaits delivery (see Run).
    private static readonly TimeSpan IdlePoll = TimeSpan.FromMilliseconds(50);
    private static readonly TimeSpan InFlightPoll = TimeSpan.FromMilliseconds(1);

    private readonly KafkaWindowAnalyserOptions _options;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly LogStartGuard _guard;
    private readonly Dictionary<int, Owned> _owned = [];
    private readonly AnalysisRegistry _analyses;
    private readonly List<PanePartial> _pending = [];
    private readonly ConcurrentQueue<Delivered> _delivered = new();
    private readonly OwnStates _ownStates = new();
    private AnalysisSettings? _settings;
    private long _read;
    private long _reports;
    private long _late;
    private long _invalid;
    private long _endMarkers;
    private long _partials;
    private long _messages;
    private long _states;
    private int _inFlight; // results and state messages produced and not yet reported delivered
    private bool _closing; // the loop has ended: revocations from closing publish nothing more
    private long _assigned;
    private long _restored;
    private long _recomputed;
    private long _revoked;
    private long _foreignState;
    private long _largestState;
    private long _throttled;
    private int _unconfirmed;
    private bool _readingPaused;
    private int _ownedCount;
    private int _readSinceFlush;
    private bool _publishNow; // something the group waits for: published at the loop's next turn, whatever the counts
    private bool _commitDue;
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
        _analyses = new AnalysisRegistry(options.AllAnalyses());
        _logger = logger ?? NullLogger.Instance;
        _time = timeProvider ?? TimeProvider.System;
        InstanceId = Guid.NewGuid().ToString("N")[..12];
        _guard = new LogStartGuard(_logger, RaiseLost) { CommittedPatience = options.UnreachableTimeout };
    }

    /// <summary>
    /// Raised when messages of an assigned partition were deleted (retention) before this instance read them: their
    /// reports are missing from the results. Bound the replay's lead with <see cref="KafkaCrimeSinkOptions.ConsumerLagLimit"/>.
    /// </summary>
    public event Action<LostMessages>? MessagesLost;

    /// <summary>
    /// The validated options (a copy: changing the caller's object later has no effect). With
    /// <see cref="KafkaWindowAnalyserOptions.AdoptGroupSettings"/>, the group's settings replace the caller's here once the
    /// instance has started.
    /// </summary>
    public KafkaWindowAnalyserOptions Options => _options;

    /// <summary>The settings this instance analyses with, the group's; <see langword="null"/> before it has started.</summary>
    public AnalysisSettings? Settings => Volatile.Read(ref _settings);

    /// <summary>This instance's name on the results topic (the key of its messages).</summary>
    public string InstanceId { get; }

    /// <summary>
    /// Raised on the instance's consumer thread for every report it aggregates (a live view's hook). Each report is
    /// raised by one instance, once, except after a crash: the new owner aggregates again what the state it restored did
    /// not cover yet.
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
        Invalid = Interlocked.Read(ref _invalid),
        EndMarkers = Interlocked.Read(ref _endMarkers),
        Partials = Interlocked.Read(ref _partials),
        ResultsMessages = Interlocked.Read(ref _messages),
        StateMessages = Interlocked.Read(ref _states),
        Assigned = Interlocked.Read(ref _assigned),
        Restored = Interlocked.Read(ref _restored),
        Recomputed = Interlocked.Read(ref _recomputed),
        Revoked = Interlocked.Read(ref _revoked),
        ForeignStateMessages = Interlocked.Read(ref _foreignState),
        LargestStateBytes = Interlocked.Read(ref _largestState),
        Throttled = Interlocked.Read(ref _throttled),
        Lost = _guard.Lost,
    };

    /// <summary>
    /// Reads the settings the group analyses with from the state topic, without joining the group; <see langword="null"/>
    /// when no member has published any yet.
    /// </summary>
    /// <exception cref="KafkaException">A topic is missing or has the wrong partition count.</exception>
    public static Task<AnalysisSettings?> ReadGroupSettingsAsync(KafkaWindowAnalyserOptions options, ILogger? logger = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        options = options.Clone();
        options.Validate();
        logger ??= NullLogger.Instance;
        return Task.Factory.StartNew(
            () =>
            {
                var partitions = AnalysisTopics.Check(options, logger);
                using var state = new StateTopicReader(options, options.StateTopicName, partitions, logger);
                if (!state.CatchUp(Enumerable.Range(0, partitions), options.RestoreTimeout, cancellationToken))
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    throw new KafkaException(new Error(ErrorCode.Local_TimedOut, $"the state topic {options.StateTopicName} could not be read within {options.RestoreTimeout}"));
                }

                return state.GroupSettings;
            },
            cancellationToken,
            TaskCreationOptions.LongRunning,
            TaskScheduler.Default);
    }

    /// <summary>
    /// Joins the group and analyses until every partition of the group has ended and its results are published (with
    /// <see cref="KafkaWindowAnalyserOptions.StopWhenComplete"/>) or <paramref name="cancellationToken"/> fires; then
    /// publishes and commits what it has and leaves the group.
    /// </summary>
    /// <exception cref="KafkaException">A topic is missing, has the wrong partition count, or publishing failed.</exception>
    /// <exception cref="GroupSettingsException">The group analyses with other settings (and <see cref="KafkaWindowAnalyserOptions.AdoptGroupSettings"/> is off).</exception>
    public Task RunAsync(CancellationToken cancellationToken = default) => RunAsync(cancellationToken, CancellationToken.None);

    /// <summary>As <see cref="RunAsync(CancellationToken)"/>; <paramref name="crash"/> stops the instance as a crash would: nothing more published or committed.</summary>
    internal Task RunAsync(CancellationToken cancellationToken, CancellationToken crash)
    {
        crash.Register(() => _crashed = true);
        return Task.Factory.StartNew(() => Run(cancellationToken), cancellationToken, TaskCreationOptions.LongRunning, TaskScheduler.Default);
    }

    private void Run(CancellationToken cancellationToken)
    {
        // A dedicated thread (LongRunning): named so that top -H, perf and dumps show what it is.
        Thread.CurrentThread.Name = "crime analyser";
        var partitionCount = AnalysisTopics.Check(_options, _logger);
        var outage = new BrokerOutage(_options.BootstrapServers, _options.UnreachableTimeout, _time);
        using var state = new StateTopicReader(_options, _options.StateTopicName, partitionCount, _logger, _ownStates);
        using var producer = new ProducerBuilder<byte[], byte[]>(_options.Apply(new ProducerConfig
        {
            Acks = Acks.All,
            EnableIdempotence = true,
            LingerMs = 5,
            CompressionType = CompressionType.Lz4,
            MessageMaxBytes = MaxMessageBytes,
        }))
            .SetLogHandler((_, m) => KafkaLog.Message(_logger, m))
            .SetErrorHandler((_, e) => KafkaLog.Error(_logger, "results producer", e))
            .Build();
        AgreeOnSettings(state, producer, partitionCount, cancellationToken);
        var config = _options.Apply(new ConsumerConfig
        {
            GroupId = _options.GroupId,
            // Offsets are stored only once the state that covers them is on the state topic (see Publish), then committed
            // by the loop as soon as it sees them: a replay bounded by this group's lag waits for exactly these commits.
            EnableAutoCommit = false,
            EnableAutoOffsetStore = false,
            EnablePartitionEof = true,
            AutoOffsetReset = AutoOffsetReset.Earliest,
            FetchWaitMaxMs = 10, // a replay bounded by this group's lag waits for it: fetch what arrives at once
            SessionTimeoutMs = (int)_options.SessionTimeout.TotalMilliseconds,
            HeartbeatIntervalMs = Math.Max(100, (int)_options.SessionTimeout.TotalMilliseconds / 3),
        });
        using var runtime = new ConsumerRuntime<Ignore>(config, "analysis consumer", _logger, outage, (builder, self) => builder
            .SetPartitionsAssignedHandler((c, partitions) => OnAssigned(c, partitions, partitionCount, state, cancellationToken))
            .SetPartitionsRevokedHandler((_, partitions) => OnRevoked(self, producer, partitions.Select(p => p.Partition.Value).ToList(), partitionCount, commit: true))
            .SetPartitionsLostHandler((_, partitions) => OnRevoked(self, producer, partitions.Select(p => p.Partition.Value).ToList(), partitionCount, commit: false)));
        var consumer = runtime.Consumer;
        consumer.Subscribe(_options.Topic);
        var closed = new List<PanePartial>();
        var lastFlush = _time.GetTimestamp();
        var lastCommit = lastFlush;
        var complete = false;
        try
        {
            while (!cancellationToken.IsCancellationRequested && !_crashed && !(_options.StopWhenComplete && complete))
            {
                // While a state is on its way, the loop comes back within a millisecond to store and commit what it covers:
                // a replay bounded by this group's lag waits for that commit, and has often been read up to date meanwhile.
                var result = runtime.Poll(Volatile.Read(ref _inFlight) > 0 ? InFlightPoll : IdlePoll);

                // The clock is read once per message: with a message per iteration, reading it for every check cost 5% of the loop.
                var now = _time.GetTimestamp();
                if (result is not null && _owned.TryGetValue(result.Partition.Value, out var owned))
                {
                    if (result.IsPartitionEOF)
                    {
                        owned.AtEnd = true;
                    }
                    else
                    {
                        Process(consumer, owned, result, now, closed);
                    }
                }

                if (_deliveryError is { } failed)
                {
                    // Results or state this instance published were lost: stop without committing, as a crash would;
                    // whoever takes its partitions over continues from the last state on the state topic.
                    _crashed = true;
                    throw new KafkaException(failed);
                }

                Confirm(consumer);
                Throttle(runtime, producer, partitionCount);
                if (_commitDue && _time.GetElapsedTime(lastCommit, now) >= MinCommitSpacing)
                {
                    // Stored offsets are committed promptly (a lag-bounded replay waits for them), but not after every message.
                    _commitDue = false;
                    runtime.Commit();
                    lastCommit = now;
                }

                if (_time.GetElapsedTime(lastFlush, now) >= _options.CommitInterval || _readSinceFlush >= FlushEvery || _pending.Count >= PublishPartialsAt || _publishNow)
                {
                    MarkIdle(); // idleness changes with the clock, not per message: checked as often as progress is published
                    Publish(runtime, producer, _owned.Keys.ToList(), partitionCount, wait: false);
                    state.Poll();
                    Interlocked.Exchange(ref _foreignState, state.ForeignMessages);
                    complete = state.IsComplete;
                    lastFlush = _time.GetTimestamp();
                    _readSinceFlush = 0;
                    _publishNow = false;
                }
            }
        }
        finally
        {
            try
            {
                Publish(runtime, producer, _owned.Keys.ToList(), partitionCount, wait: true);
            }
            catch (KafkaException e)
            {
                _logger.LogError("Could not publish this instance's last results: {Reason}", e.Error.Reason);
            }

            _closing = true;
            runtime.Close();
        }
    }

    /// <summary>
    /// Adopts, checks or publishes the group's settings before joining: a member must never aggregate with other
    /// settings than those the group's results were made with.
    /// </summary>
    private void AgreeOnSettings(StateTopicReader state, IProducer<byte[], byte[]> producer, int partitionCount, CancellationToken cancellationToken)
    {
        if (!state.CatchUp(Enumerable.Range(0, partitionCount), _options.RestoreTimeout, cancellationToken))
        {
            cancellationToken.ThrowIfCancellationRequested();
            throw new KafkaException(new Error(ErrorCode.Local_TimedOut, $"the state topic {_options.StateTopicName} could not be read within {_options.RestoreTimeout}"));
        }

        var mine = AnalysisSettings.Of(_options, partitionCount);
        if (state.GroupSettings is { } group)
        {
            if (!mine.Equals(group))
            {
                if (!_options.AdoptGroupSettings || group.Partitions != partitionCount)
                {
                    throw new GroupSettingsException(_options.GroupId, group, mine);
                }

                group.ApplyTo(_options);
                if (AnalysisSettings.Of(_options, partitionCount).DifferencesFrom(group) is { Count: > 0 })
                {
                    throw new GroupSettingsException(_options.GroupId, group, mine); // analyses are code: they cannot be adopted
                }

                _logger.LogInformation("Adopted the settings of group {Group}: {Settings}", _options.GroupId, group);
            }

            Volatile.Write(ref _settings, group);
            return;
        }

        // The first member: publish the settings, so that later members analyse with them or stop.
        producer.Produce(_options.StateTopicName, StateRecordCodec.Encode(new StateRecord(mine, null, []), _analyses), d =>
        {
            if (d.Error.IsError)
            {
                _deliveryError ??= d.Error;
            }
        });
        if (producer.Flush(TimeSpan.FromSeconds(30)) > 0 || _deliveryError is not null)
        {
            throw new KafkaException(_deliveryError ?? new Error(ErrorCode.Local_TimedOut, "the group's settings were not delivered within 30 s"));
        }

        Volatile.Write(ref _settings, mine);
    }

    private void Process(IConsumer<Ignore, byte[]> consumer, Owned owned, ConsumeResult<Ignore, byte[]> result, long now, List<PanePartial> closed)
    {
        Interlocked.Increment(ref _read);
        _readSinceFlush++;
        _guard.Read(consumer, result.TopicPartition, result.Offset.Value);
        owned.AtEnd = false;
        owned.LastMessage = now;
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
                    if (aggregator.IsEnded)
                    {
                        _publishNow = true; // the results reader waits for a partition's end
                    }
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
                if (aggregator.Add(report, offset, shard, closed))
                {
                    Interlocked.Increment(ref _reports);
                    RaiseAnalysed(report);
                }
                else
                {
                    Interlocked.Increment(ref _late);
                }
            }
        }
        catch (Exception e) when (e is FormatException or InvalidOperationException)
        {
            Invalid(aggregator, result, e.Message);
        }

        owned.Dirty = true;
        owned.StateDirty = true;
        if (closed.Count > 0)
        {
            _pending.AddRange(closed);
            owned.Unpublished.AddRange(closed);
            _unconfirmed += closed.Count;
        }
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

    private IEnumerable<TopicPartitionOffset> OnAssigned(IConsumer<Ignore, byte[]> consumer, List<TopicPartition> partitions, int partitionCount, StateTopicReader state, CancellationToken cancellationToken)
    {
        if (partitions.Count == 0)
        {
            return [];
        }

        _readingPaused = false; // a new assignment reads; the loop pauses it again if confirmations are still behind
        foreach (var p in partitions)
        {
            if (p.Partition.Value >= partitionCount)
            {
                throw new KafkaException(new Error(ErrorCode.InvalidPartitions, $"topic {_options.Topic} has a partition {p.Partition.Value}, but had {partitionCount} partitions when this instance started: restart the analysis (all instances must agree on the partition count)"));
            }
        }

        var starts = _guard.Assigned(consumer, partitions).ToDictionary(p => p.Partition.Value, p => p.Offset);

        // The previous owners wrote their state before they let go (or crashed after their last one): read it up to date.
        if (!state.CatchUp(partitions.Select(p => p.Partition.Value), _options.RestoreTimeout, cancellationToken) && !cancellationToken.IsCancellationRequested)
        {
            throw new KafkaException(new Error(ErrorCode.Local_TimedOut, $"the state topic {_options.StateTopicName} could not be read up to date within {_options.RestoreTimeout} to restore partitions {string.Join(", ", partitions.Select(p => p.Partition.Value))}"));
        }

        foreach (var p in partitions)
        {
            var partition = p.Partition.Value;
            var aggregator = new PartitionPaneAggregator(partition, _options.AllowedDisorder, _analyses.All, _options.PaneLength);
            var owned = new Owned(aggregator, _time.GetTimestamp());
            if (state.Latest(partition) is { Snapshot: { } snapshot } record)
            {
                if (!record.Settings.Equals(_settings))
                {
                    throw new GroupSettingsException(_options.GroupId, record.Settings, _settings!);
                }

                aggregator.Restore(snapshot);
                Interlocked.Increment(ref _restored);

                // What the previous owner closed without seeing it confirmed goes out again (a duplicate at worst).
                owned.Unpublished.AddRange(record.Unpublished);
                _pending.AddRange(record.Unpublished);
                _unconfirmed += record.Unpublished.Count;
                if (snapshot.NextOffset >= 0)
                {
                    // The previous owner may have crashed (or seen its commit refused in a rebalance) after writing this
                    // state: commit what it covers, or the group's lag stays behind it and a lag-bounded replay waits for ever.
                    var committedBefore = starts.TryGetValue(partition, out var c) && !c.IsSpecial ? c.Value : -1;
                    owned.Committed = committedBefore;
                    if (snapshot.NextOffset > committedBefore)
                    {
                        _delivered.Enqueue(new Delivered(partition, snapshot.NextOffset, []));
                    }

                    starts[partition] = new Offset(snapshot.NextOffset);
                    _guard.Expect(partition, snapshot.NextOffset);
                }
            }
            else if (starts.TryGetValue(partition, out var committed) && !committed.IsSpecial && committed.Value > 0)
            {
                // The group read this partition before, but its state is not on the state topic (deleted, another
                // topic): recompute it from what the input still holds; whatever retention deleted is counted as lost.
                Interlocked.Increment(ref _recomputed);
                _logger.LogError("Partition {Partition} has a committed offset {Offset} but no state on {Topic}: recomputing it from the start of the input", partition, committed.Value, _options.StateTopicName);
                starts[partition] = Offset.Beginning;
                _guard.Expect(partition, 0);
            }

            _owned[partition] = owned;
            Interlocked.Increment(ref _assigned);
        }

        Volatile.Write(ref _ownedCount, _owned.Count);

        _logger.LogInformation("Instance {Instance} assigned partitions {Partitions}", InstanceId, string.Join(", ", partitions.Select(p => p.Partition.Value)));
        return partitions.Select(p => new TopicPartitionOffset(p, starts.TryGetValue(p.Partition.Value, out var start) ? start : Offset.Unset)).ToList();
    }

    private void OnRevoked(ConsumerRuntime<Ignore> runtime, IProducer<byte[], byte[]> producer, List<int> partitions, int partitionCount, bool commit)
    {
        // Closing, the loop has just published and committed everything: a synchronous commit from the revocation that
        // closing raises can wait for ever (it did, about once in 30 runs of four instances leaving together).
        if (commit && !_closing)
        {
            try
            {
                Publish(runtime, producer, partitions, partitionCount, wait: true);
            }
            catch (KafkaException e)
            {
                // The next owner continues from the last state delivered: nothing is lost, only read again.
                _logger.LogWarning("Could not publish results of revoked partitions {Partitions}: {Reason}", string.Join(", ", partitions), e.Error.Reason);
            }
        }

        _guard.Revoked(partitions.Select(p => new TopicPartitionOffset(_options.Topic, p, Offset.Unset)));
        foreach (var p in partitions)
        {
            if (_owned.Remove(p, out var gone))
            {
                _unconfirmed -= gone.Unpublished.Count;
                Interlocked.Increment(ref _revoked);
            }
        }

        Volatile.Write(ref _ownedCount, _owned.Count);

        // Partials of these partitions not yet published are in their last state (or still open in it): the next owner has them.
        _pending.RemoveAll(x => partitions.Contains(x.Partition));
    }

    /// <summary>
    /// Publishes pending partials and the progress of <paramref name="partitions"/>, then the state of each that changed;
    /// once a state is delivered, the input offset it covers is stored for the next commit. With <paramref name="wait"/>
    /// (a revocation, the end) it waits for the deliveries, writes the states again if confirmations changed them, and
    /// commits at once.
    /// </summary>
    private void Publish(ConsumerRuntime<Ignore> runtime, IProducer<byte[], byte[]> producer, List<int> partitions, int partitionCount, bool wait)
    {
        for (var round = 0; round < 2 && !_crashed; round++)
        {
            Produce(producer, partitions, partitionCount);
            if (!wait)
            {
                return;
            }

            if (producer.Flush(TimeSpan.FromSeconds(30)) > 0 || _deliveryError is not null)
            {
                throw new KafkaException(_deliveryError ?? new Error(ErrorCode.Local_TimedOut, "results not delivered within 30 s"));
            }

            Confirm(runtime.Consumer);
            if (!partitions.Any(p => _owned.TryGetValue(p, out var o) && o.StateDirty))
            {
                break; // the second round writes the states again without the partials confirmed by the first
            }
        }

        if (wait && !_crashed)
        {
            _commitDue = false;
            runtime.Commit();
        }
    }

    private void Produce(IProducer<byte[], byte[]> producer, List<int> partitions, int partitionCount)
    {
        var progress = new List<PartitionProgress>();
        foreach (var p in partitions)
        {
            if (_owned.TryGetValue(p, out var owned) && owned.Dirty)
            {
                var aggregator = owned.Aggregator;
                var status = aggregator.IsEnded ? PartitionState.Ended : owned.Idle ? PartitionState.Idle : PartitionState.Active;
                progress.Add(new PartitionProgress(p, partitionCount, aggregator.ClosedThrough ?? DateTimeOffset.MinValue, status) { Checkpoint = aggregator.Checkpoint() });
                owned.Dirty = false;
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
                var message = WindowResultsCodec.Encode(InstanceId, chunk, last ? progress : [], _analyses);
                Interlocked.Increment(ref _inFlight);
                producer.Produce(_options.ResultsTopic, message, d => OnDelivered(d, new Delivered(-1, -1, chunk)));
                Interlocked.Increment(ref _messages);
            }

            Interlocked.Add(ref _partials, partials.Count);
        }

        // Then each changed partition's complete state: what a successor restores, and what the commit stands on.
        foreach (var p in partitions)
        {
            if (!_owned.TryGetValue(p, out var owned) || !owned.StateDirty)
            {
                continue;
            }

            var snapshot = owned.Aggregator.Snapshot();
            var record = new StateRecord(_settings!, snapshot, owned.Unpublished.ToArray());
            var message = StateRecordCodec.Encode(record, _analyses);
            message.Headers.Add(_ownStates.Mark(record));
            if (message.Value.Length > Interlocked.Read(ref _largestState))
            {
                Interlocked.Exchange(ref _largestState, message.Value.Length);
            }

            Interlocked.Increment(ref _inFlight);
            producer.Produce(new TopicPartition(_options.StateTopicName, p), message, d => OnDelivered(d, new Delivered(p, snapshot.NextOffset, [])));
            Interlocked.Increment(ref _states);
            owned.StateDirty = false;
        }
    }

    /// <summary>Runs on the producer's delivery thread: hands the outcome to the loop, which owns every piece of state.</summary>
    private void OnDelivered(DeliveryReport<byte[], byte[]> delivery, Delivered delivered)
    {
        Interlocked.Decrement(ref _inFlight);
        if (delivery.Error.IsError)
        {
            _deliveryError ??= delivery.Error;
            _logger.LogError("Results or state message not delivered: {Reason}", delivery.Error.Reason);
            return;
        }

        _delivered.Enqueue(delivered);
    }

    /// <summary>Applies the deliveries reported since the last call: partials confirmed, states written (their offsets stored).</summary>
    private void Confirm(IConsumer<Ignore, byte[]> consumer)
    {
        while (_delivered.TryDequeue(out var delivered))
        {
            if (delivered.Partials.Count > 0)
            {
                foreach (var group in delivered.Partials.GroupBy(x => x.Partition))
                {
                    if (_owned.TryGetValue(group.Key, out var owned))
                    {
                        var confirmed = group.ToHashSet(ReferenceEqualityComparer.Instance);
                        var removed = owned.Unpublished.RemoveAll(confirmed.Contains);
                        if (removed > 0)
                        {
                            _unconfirmed -= removed;
                            owned.StateDirty = true; // the next state no longer carries them
                        }
                    }
                }
            }
            else if (delivered.Partition >= 0 && delivered.NextOffset > 0 && _owned.TryGetValue(delivered.Partition, out var owned) && delivered.NextOffset > owned.Committed)
            {
                try
                {
                    consumer.StoreOffset(new TopicPartitionOffset(_options.Topic, delivered.Partition, delivered.NextOffset));
                    owned.Committed = delivered.NextOffset;
                    _commitDue = true;
                }
                catch (KafkaException)
                {
                    // Revoked meanwhile: its successor continues from the state, which is on the state topic.
                }
            }
        }
    }

    /// <summary>
    /// Pauses reading while too many closed partials wait for confirmation; resumes once half of them are confirmed. Before
    /// it pauses, the instance publishes and waits up to <see cref="ConfirmPatience"/> for the confirmations: librdkafka
    /// drops a paused partition's prefetched messages, and resuming does not wake its fetcher, which then sleeps up to a
    /// second before it fetches again.
    /// </summary>
    private void Throttle(ConsumerRuntime<Ignore> runtime, IProducer<byte[], byte[]> producer, int partitionCount)
    {
        var consumer = runtime.Consumer;
        if (!_readingPaused && _unconfirmed > MaxUnconfirmedPartials && !_crashed)
        {
            Publish(runtime, producer, _owned.Keys.ToList(), partitionCount, wait: false);
            producer.Flush(ConfirmPatience); // what is still on its way then is confirmed later; a failure is seen by the loop
            Confirm(consumer);
        }

        var pause = _readingPaused ? _unconfirmed > MaxUnconfirmedPartials / 2 : _unconfirmed > MaxUnconfirmedPartials;
        if (pause == _readingPaused)
        {
            return;
        }

        var assignment = consumer.Assignment;
        if (pause)
        {
            consumer.Pause(assignment);
            Interlocked.Increment(ref _throttled);
            _publishNow = true; // only confirmations resume reading, and nothing is read meanwhile
            _logger.LogInformation("{Count} closed partials await confirmation: reading paused", _unconfirmed);
        }
        else
        {
            consumer.Resume(assignment);
        }

        _readingPaused = pause;
    }

    /// <summary>A delivered message: partials of the results topic, or the state of <see cref="Partition"/> up to <see cref="NextOffset"/>.</summary>
    private sealed record Delivered(int Partition, long NextOffset, IReadOnlyList<PanePartial> Partials);

    private sealed class Owned(PartitionPaneAggregator aggregator, long now)
    {
        public PartitionPaneAggregator Aggregator { get; } = aggregator;

        public long LastMessage { get; set; } = now;

        public bool AtEnd { get; set; }

        public bool Idle { get; set; }

        /// <summary>Progress to publish on the results topic.</summary>
        public bool Dirty { get; set; } = true;

        /// <summary>State to write on the state topic.</summary>
        public bool StateDirty { get; set; } = true;

        /// <summary>Partials closed and not yet confirmed on the results topic: every state written carries them.</summary>
        public List<PanePartial> Unpublished { get; } = [];

        public long Committed { get; set; } = -1;
    }
}
