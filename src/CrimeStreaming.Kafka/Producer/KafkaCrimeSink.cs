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
    private long _produced;
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
                    Failures = _failures.ToArray(),
                };
            }
        }
    }

    /// <inheritdoc/>
    public ValueTask WriteAsync(CrimeReport report, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(report);
        var message = new Message<byte[], byte[]>
        {
            Key = report.OfficerId < OfficerKeys.Length ? OfficerKeys[report.OfficerId] : Encoding.UTF8.GetBytes(report.OfficerId.ToString(CultureInfo.InvariantCulture)),
            Value = CrimeReportJson.Serialize(report),
            Timestamp = new Timestamp(report.ReportTime),
        };
        while (true)
        {
            try
            {
                _producer.Produce(_options.Topic, message, delivery => OnDelivery(report, delivery));
                Interlocked.Increment(ref _produced);
                return ValueTask.CompletedTask;
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
                return ValueTask.CompletedTask;
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
    public void Dispose() => _producer.Dispose();

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
