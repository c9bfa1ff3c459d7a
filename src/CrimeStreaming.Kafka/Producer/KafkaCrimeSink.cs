using System.Globalization;
using System.Runtime.ExceptionServices;
using System.Text;
using System.Threading.Channels;
using Confluent.Kafka;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace CrimeStreaming.Kafka;

/// <summary>
/// Publishes reports to Kafka: the producer adapter of a <see cref="CrimeStreamer"/>. Idempotent producer with
/// <c>acks=all</c>; each report is produced without waiting (delivery is reported asynchronously) and the sink waits,
/// never drops, when the local queue is full.
/// </summary>
/// <remarks>
/// <para>Message key = the officer id (UTF-8 decimal), so each officer's reports land on one partition in the order the
/// officer emitted them; message timestamp = the simulated report time; value = <see cref="CrimeReportJson"/>.</para>
/// <para>Every delivery failure is counted in <see cref="Summary"/>, kept with its report (up to
/// <see cref="KafkaCrimeSinkOptions.MaxRecordedFailures"/>), logged, and raised through <see cref="DeliveryFailed"/>.
/// <see cref="CompleteAsync"/> flushes, so after it every report is delivered or failed unless the flush timed out.</para>
/// </remarks>
public sealed class KafkaCrimeSink : ICrimeReportSink, IDisposable
{
    private static readonly byte[][] OfficerKeys = Enumerable.Range(0, 1024).Select(i => Encoding.UTF8.GetBytes(i.ToString(CultureInfo.InvariantCulture))).ToArray();
    private readonly KafkaCrimeSinkOptions _options;
    private readonly ILogger _logger;
    private readonly IProducer<byte[], byte[]> _producer;
    private readonly object _gate = new();
    private readonly Dictionary<string, long> _failedByReason = new(StringComparer.Ordinal);
    private readonly List<DeliveryFailure> _failures = [];
    private readonly ConsumerLagGate? _lagGate;
    private readonly Channel<CrimeReport>? _stage;
    private readonly Task? _stageLoop;
    private readonly CancellationTokenSource _stageStop = new();
    private readonly object _roomLock = new();
    private readonly int _stageCapacity;
    private TaskCompletionSource? _room;
    private Exception? _stageError;
    private int _queued;
    private long _accepted;
    private long _produced;
    private long _lagWaits;
    private long _endMarkers;
    private long _delivered;
    private long _failed;

    /// <summary>Creates the sink and its producer.</summary>
    public KafkaCrimeSink(KafkaCrimeSinkOptions options, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        KafkaNative.EnsureLoaded();
        _options = options;
        _logger = logger ?? NullLogger.Instance;
        _producer = new ProducerBuilder<byte[], byte[]>(options.ToConfig())
            .SetLogHandler((_, m) => KafkaLog.Message(_logger, m))
            .SetErrorHandler((_, e) => KafkaLog.Error(_logger, "producer", e))
            .Build();
        if (options.ConsumerLagLimit is { } limit)
        {
            _lagGate = new ConsumerLagGate(limit, options.ToMonitorConfig(), options.Topic, _logger, () => Interlocked.Read(ref _delivered) + Interlocked.Read(ref _failed));
        }

        if (options.SerializeOnStage)
        {
            // One reader, first in first out: each officer's reports are produced in the order they were written.
            _stage = Channel.CreateUnbounded<CrimeReport>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = false });
            _stageCapacity = Math.Clamp(options.QueueBufferingMaxMessages, 1, 4096);
            _stageLoop = Task.Run(RunStageAsync);
        }
    }

    /// <summary>Raised (on the producer's delivery thread) for each report that could not be delivered.</summary>
    public event Action<DeliveryFailure>? DeliveryFailed;

    /// <summary>The topic.</summary>
    public string Topic => _options.Topic;

    /// <summary>The delivery counts so far.</summary>
    public KafkaDeliverySummary Summary
    {
        get
        {
            lock (_gate)
            {
                return new KafkaDeliverySummary
                {
                    Produced = Interlocked.Read(ref _produced),
                    Delivered = Interlocked.Read(ref _delivered),
                    Failed = Interlocked.Read(ref _failed),
                    FailedByReason = new Dictionary<string, long>(_failedByReason, StringComparer.Ordinal),
                    LagWaits = Interlocked.Read(ref _lagWaits),
                    MaxConsumerLag = _lagGate?.MaxLag,
                    EndMarkers = Interlocked.Read(ref _endMarkers),
                    Failures = _failures.ToArray(),
                };
            }
        }
    }

    /// <inheritdoc/>
    public ValueTask WriteAsync(CrimeReport report, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(report);
        if (_lagGate is not null && !_lagGate.IsOpen(Interlocked.Read(ref _accepted)))
        {
            return WaitForConsumersThenWriteAsync(report, cancellationToken);
        }

        return Accept(report, cancellationToken);
    }

    private async ValueTask WaitForConsumersThenWriteAsync(CrimeReport report, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _lagWaits);
        await _lagGate!.WaitAsync(() => Interlocked.Read(ref _accepted), cancellationToken).ConfigureAwait(false);
        await Accept(report, cancellationToken).ConfigureAwait(false);
    }

    private ValueTask Accept(CrimeReport report, CancellationToken cancellationToken)
    {
        if (_stage is null)
        {
            Produce(report, cancellationToken);
            Interlocked.Increment(ref _accepted);
            return ValueTask.CompletedTask;
        }

        if (Volatile.Read(ref _stageError) is { } error)
        {
            ExceptionDispatchInfo.Throw(error);
        }

        if (Volatile.Read(ref _queued) >= _stageCapacity)
        {
            return WaitForRoomThenEnqueueAsync(report, cancellationToken);
        }

        Enqueue(report);
        return ValueTask.CompletedTask;
    }

    private async ValueTask WaitForRoomThenEnqueueAsync(CrimeReport report, CancellationToken cancellationToken)
    {
        // Back-pressure: the stage is full (the producer's queue is, or the cluster is slow). Wait until it has drained
        // to half, so the writer wakes once per many reports rather than once per report.
        while (Volatile.Read(ref _queued) >= _stageCapacity)
        {
            TaskCompletionSource room;
            lock (_roomLock)
            {
                room = _room ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            }

            Interlocked.MemoryBarrier();
            if (Volatile.Read(ref _queued) < _stageCapacity || _stageLoop!.IsCompleted)
            {
                break;
            }

            await room.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        }

        if (Volatile.Read(ref _stageError) is { } error)
        {
            ExceptionDispatchInfo.Throw(error);
        }

        Enqueue(report);
    }

    private void Enqueue(CrimeReport report)
    {
        Interlocked.Increment(ref _queued);
        if (!_stage!.Writer.TryWrite(report))
        {
            Interlocked.Decrement(ref _queued);
            throw new InvalidOperationException("The sink was completed or disposed: it accepts no more reports.");
        }

        Interlocked.Increment(ref _accepted);
    }

    private async Task RunStageAsync()
    {
        var reader = _stage!.Reader;
        var stop = _stageStop.Token;
        try
        {
            while (await reader.WaitToReadAsync(stop).ConfigureAwait(false))
            {
                while (!stop.IsCancellationRequested && reader.TryRead(out var report))
                {
                    Produce(report, stop);
                    if (Interlocked.Decrement(ref _queued) <= _stageCapacity / 2 && Volatile.Read(ref _room) is not null)
                    {
                        ReleaseWriter();
                    }
                }
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // Disposed, or the completion gave up: the reports still queued are not produced.
        }
        catch (Exception e)
        {
            Volatile.Write(ref _stageError, e);
            _logger.LogError(e, "The producer stage failed; the reports still queued are not produced.");
        }
        finally
        {
            ReleaseWriter();
        }
    }

    private void ReleaseWriter()
    {
        TaskCompletionSource? room;
        lock (_roomLock)
        {
            room = _room;
            _room = null;
        }

        room?.TrySetResult();
    }

    private void Produce(CrimeReport report, CancellationToken cancellationToken)
    {
        var message = new Message<byte[], byte[]>
        {
            Key = report.OfficerId < OfficerKeys.Length ? OfficerKeys[report.OfficerId] : Encoding.UTF8.GetBytes(report.OfficerId.ToString(CultureInfo.InvariantCulture)),
            Value = CrimeReportJson.Serialize(report),
            Timestamp = new Timestamp(report.ReportTime),
            Headers = _options.Shard.Count > 1 ? ShardHeader.For(_options.Shard) : null,
        };
        while (true)
        {
            try
            {
                _producer.Produce(_options.Topic, message, delivery => OnDelivery(report, delivery));
                Interlocked.Increment(ref _produced);
                return;
            }
            catch (ProduceException<byte[], byte[]> e) when (e.Error.Code == ErrorCode.Local_QueueFull)
            {
                // Back-pressure: serve delivery reports until the queue has room again.
                cancellationToken.ThrowIfCancellationRequested();
                _producer.Poll(TimeSpan.FromMilliseconds(20));
            }
            catch (ProduceException<byte[], byte[]> e)
            {
                // Rejected locally (e.g. larger than message.max.bytes): a failed delivery of this report, not of the run.
                Interlocked.Increment(ref _produced);
                RecordFailure(new DeliveryFailure(report, e.Error.Code, e.Error.Reason));
                return;
            }
        }
    }

    /// <inheritdoc/>
    /// <remarks>Flushes for at most <see cref="KafkaCrimeSinkOptions.FlushTimeout"/> (or until <paramref name="cancellationToken"/>).</remarks>
    public async ValueTask CompleteAsync(Exception? error, CancellationToken cancellationToken)
    {
        if (error is not null)
        {
            _logger.LogWarning(error, "The replay failed; flushing the reports written before the failure.");
        }

        using var flush = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        flush.CancelAfter(_options.FlushTimeout);
        var unproduced = 0L;
        if (_stage is not null)
        {
            // First the stage: every report written before completion is produced before the end markers.
            _stage.Writer.TryComplete();
            try
            {
                await _stageLoop!.WaitAsync(flush.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                await _stageStop.CancelAsync().ConfigureAwait(false);
                await _stageLoop!.ConfigureAwait(false);
            }

            unproduced = Interlocked.Read(ref _accepted) - Interlocked.Read(ref _produced);
            if (Volatile.Read(ref _stageError) is { } stageError)
            {
                ExceptionDispatchInfo.Throw(stageError);
            }
        }

        var remaining = unproduced + await Task.Run(
            () =>
            {
                if (_options.WriteEndOfStream)
                {
                    WriteEndMarkers(flush.Token);
                }

                try
                {
                    _producer.Flush(flush.Token);
                    return 0;
                }
                catch (OperationCanceledException)
                {
                    return _producer.Flush(TimeSpan.Zero);
                }
            },
            CancellationToken.None).ConfigureAwait(false);
        var summary = Summary;
        if (remaining > 0)
        {
            _logger.LogWarning("Kafka flush timed out with {Remaining} reports undelivered: {Summary}", remaining, summary);
        }
        else
        {
            _logger.LogInformation("Kafka producer flushed: {Summary}", summary);
        }
    }

    /// <summary>Disposes the producer (without flushing: complete the sink first).</summary>
    public void Dispose()
    {
        if (_stage is not null)
        {
            _stageStop.Cancel();
            _stage.Writer.TryComplete();
            try
            {
                _stageLoop!.Wait();
            }
            catch (AggregateException)
            {
                // Logged by the stage.
            }
        }

        _stageStop.Dispose();
        _lagGate?.Dispose();
        _producer.Dispose();
    }

    private void WriteEndMarkers(CancellationToken cancellationToken)
    {
        try
        {
            using var admin = new DependentAdminClientBuilder(_producer.Handle).Build();

            // Short metadata requests, so that a cancelled or timed-out completion returns promptly even without brokers.
            Confluent.Kafka.TopicMetadata? topic = null;
            while (!cancellationToken.IsCancellationRequested)
            {
                try
                {
                    topic = admin.GetMetadata(_options.Topic, TimeSpan.FromMilliseconds(250)).Topics.FirstOrDefault(t => t.Topic == _options.Topic);
                    if (topic is not null && topic.Error.Code != ErrorCode.LeaderNotAvailable)
                    {
                        break;
                    }
                }
                catch (KafkaException e) when (e.Error.Code is ErrorCode.Local_TimedOut or ErrorCode.Local_Transport or ErrorCode.Local_AllBrokersDown)
                {
                    // no broker answered yet: ask again until the completion's deadline
                }
            }

            if (cancellationToken.IsCancellationRequested)
            {
                _logger.LogWarning("No end-of-stream markers written: completion cancelled or timed out before topic {Topic}'s metadata arrived.", _options.Topic);
                return;
            }

            if (topic is null || topic.Error.IsError)
            {
                _logger.LogWarning("No end-of-stream markers written: topic {Topic} not found ({Error}).", _options.Topic, topic?.Error.Reason);
                return;
            }

            var marker = EndOfStream.Marker(_options.Shard);
            foreach (var partition in topic.Partitions)
            {
                _producer.Produce(new TopicPartition(_options.Topic, partition.PartitionId), marker, delivery =>
                {
                    if (delivery.Error.IsError)
                    {
                        _logger.LogError("End-of-stream marker for partition {Partition} not delivered: {Reason}", partition.PartitionId, delivery.Error.Reason);
                    }
                    else
                    {
                        Interlocked.Increment(ref _endMarkers);
                    }
                });
            }
        }
        catch (KafkaException e)
        {
            _logger.LogError("End-of-stream markers not written: {Reason}", e.Error.Reason);
        }
    }

    private void OnDelivery(CrimeReport report, DeliveryReport<byte[], byte[]> delivery)
    {
        if (!delivery.Error.IsError)
        {
            Interlocked.Increment(ref _delivered);
            return;
        }

        RecordFailure(new DeliveryFailure(report, delivery.Error.Code, delivery.Error.Reason));
    }

    private void RecordFailure(DeliveryFailure failure)
    {
        var report = failure.Report;
        Interlocked.Increment(ref _failed);
        lock (_gate)
        {
            var key = failure.Code.ToString();
            _failedByReason[key] = _failedByReason.GetValueOrDefault(key) + 1;
            if (_failures.Count < _options.MaxRecordedFailures)
            {
                _failures.Add(failure);
            }
        }

        _logger.LogError("Report DR {DrNumber} of officer {Officer} was not delivered: {Code} {Reason}", report.Record.DrNumber, report.OfficerId, failure.Code, failure.Reason);
        try
        {
            DeliveryFailed?.Invoke(failure);
        }
        catch (Exception e)
        {
            // A faulty subscriber must not break the producer's delivery thread.
            _logger.LogError(e, "A DeliveryFailed handler threw for DR {DrNumber}.", report.Record.DrNumber);
        }
    }
}
