using System.Diagnostics;
using System.Globalization;
using System.Text;
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
/// officer emitted them; message timestamp = the simulated report time; value = the report as
/// <see cref="KafkaCrimeSinkOptions.Serializer"/> writes it (<see cref="CrimeReportJson"/> by default).</para>
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
    private long _produced;
    private long _lagWaits;
    private long _lagWaitTicks;
    private long _endMarkers;
    private long _delivered;
    private long _failed;

    /// <summary>Creates the sink and its producer.</summary>
    /// <param name="options">The options; copied and validated.</param>
    /// <param name="logger">Where to log; the default logs nothing.</param>
    /// <exception cref="InvalidOptionsException"><paramref name="options"/> are invalid.</exception>
    public KafkaCrimeSink(KafkaCrimeSinkOptions options, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options = options.Clone();
        options.Validate();
        _options = options;
        _logger = logger ?? NullLogger.Instance;
        _producer = new ProducerBuilder<byte[], byte[]>(options.ToConfig())
            .SetLogHandler((_, m) => KafkaLog.Message(_logger, m))
            .SetErrorHandler((_, e) => KafkaLog.Error(_logger, "producer", e))
            .Build();
        if (options.ConsumerLagLimit is { } limit)
        {
            _lagGate = new ConsumerLagGate(limit, options.ToMonitorConfig(), options.Topic, _logger, () => Interlocked.Read(ref _delivered) + Interlocked.Read(ref _failed), options.Shard.Count);
        }
    }

    /// <summary>Raised (on the producer's delivery thread) for each report that could not be delivered.</summary>
    public event Action<DeliveryFailure>? DeliveryFailed;

    /// <summary>The topic.</summary>
    public string Topic => _options.Topic;

    /// <summary>The validated options (a copy: changing the caller's object later has no effect).</summary>
    public KafkaCrimeSinkOptions Options => _options;

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
                    LagWaitTime = TimeSpan.FromTicks(Interlocked.Read(ref _lagWaitTicks)),
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
        if (_lagGate is not null && !_lagGate.IsOpen(Interlocked.Read(ref _produced)))
        {
            return WaitForConsumersThenWriteAsync(report, cancellationToken);
        }

        Produce(report, cancellationToken);
        return ValueTask.CompletedTask;
    }

    private async ValueTask WaitForConsumersThenWriteAsync(CrimeReport report, CancellationToken cancellationToken)
    {
        await WaitForConsumersAsync(cancellationToken).ConfigureAwait(false);
        Produce(report, cancellationToken);
    }

    /// <summary>Waits for room under the lag limit, counted in <see cref="KafkaDeliverySummary.LagWaits"/> and timed in <see cref="KafkaDeliverySummary.LagWaitTime"/>.</summary>
    private async ValueTask WaitForConsumersAsync(CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _lagWaits);
        var started = Stopwatch.GetTimestamp();
        try
        {
            await _lagGate!.WaitAsync(() => Interlocked.Read(ref _produced), cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            Interlocked.Add(ref _lagWaitTicks, Stopwatch.GetElapsedTime(started).Ticks);
        }
    }

    private void Produce(CrimeReport report, CancellationToken cancellationToken)
    {
        // A custom serializer gets headers it may add to, as Confluent.Kafka's producer gives it; the JSON codec needs none.
        var headers = _options.Shard.Count > 1 ? ShardHeader.For(_options.Shard) : _options.Serializer is CrimeReportJsonSerializer ? null : [];
        byte[] value;
        try
        {
            value = _options.Serializer.Serialize(report, new SerializationContext(MessageComponentType.Value, _options.Topic, headers));
        }
        catch (Exception e)
        {
            // As Confluent.Kafka's producer reports it (Local_ValueSerialization): a failed delivery of this report, not of the run.
            Interlocked.Increment(ref _produced);
            RecordFailure(new DeliveryFailure(report, ErrorCode.Local_ValueSerialization, $"{e.GetType().Name}: {e.Message}"));
            return;
        }

        var message = new Message<byte[], byte[]>
        {
            Key = report.OfficerId < OfficerKeys.Length ? OfficerKeys[report.OfficerId] : Encoding.UTF8.GetBytes(report.OfficerId.ToString(CultureInfo.InvariantCulture)),
            Value = value,
            Timestamp = new Timestamp(report.ReportTime),
            Headers = headers,
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

        var remaining = await Task.Run(
            () =>
            {
                using var flush = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                flush.CancelAfter(_options.FlushTimeout);
                if (_options.WriteEndOfStream)
                {
                    WaitForRoomForEndMarkers(flush.Token);
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
        _lagGate?.Dispose();
        _producer.Dispose();
    }

    /// <summary>
    /// The markers add one message to every partition: under a lag bound they wait for room as a report would, so that
    /// no partition is ever more than the bound behind, markers included. A deadline reached while waiting leaves the
    /// markers unwritten (<see cref="WriteEndMarkers"/> logs it).
    /// </summary>
    private void WaitForRoomForEndMarkers(CancellationToken cancellationToken)
    {
        if (_lagGate is null || _lagGate.IsOpen(Interlocked.Read(ref _produced)))
        {
            return;
        }

        try
        {
            WaitForConsumersAsync(cancellationToken).AsTask().GetAwaiter().GetResult();
        }
        catch (OperationCanceledException)
        {
            // the completion's deadline or cancellation: no room, no markers
        }
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
            _lagGate?.Delivered(delivery.Partition.Value, delivery.Offset.Value);
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
