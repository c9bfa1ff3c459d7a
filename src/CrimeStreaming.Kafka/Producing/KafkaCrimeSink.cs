using System.Buffers;
using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Confluent.Kafka;
using CrimeStreaming.Kafka.Serialization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace CrimeStreaming.Kafka.Producing;

/// <summary>
/// Publishes reports to Kafka: idempotent producer, <c>acks=all</c>, key = officer id (so each officer's reports
/// stay ordered within one partition), message timestamp = report time, value = JSON (<see cref="CrimeReportJson"/>).
/// </summary>
/// <remarks>
/// <para><see cref="WriteAsync"/> does not wait for the broker: it queues the message and returns. When the local
/// queue is full it waits for room (back-pressure) instead of dropping. Every delivery outcome is counted; each
/// failure is raised through <see cref="DeliveryFailed"/> and listed in <see cref="Summary"/>.</para>
/// <para><see cref="CompleteAsync"/> flushes, reports the summary and releases the producer.</para>
/// </remarks>
public sealed class KafkaCrimeSink : ICrimeReportSink, IDisposable
{
    [ThreadStatic] private static ArrayBufferWriter<byte>? t_buffer;
    [ThreadStatic] private static Utf8JsonWriter? t_writer;

    private readonly KafkaCrimeSinkOptions _options;
    private readonly ILogger _logger;
    private readonly IProducer<byte[], byte[]> _producer;
    private readonly ConcurrentDictionary<int, byte[]> _keys = new();
    private readonly ConcurrentQueue<DeliveryFailure> _failures = new();
    private readonly Action<DeliveryReport<byte[], byte[]>, CrimeReport> _onDelivery;
    private long _produced;
    private long _delivered;
    private long _failed;
    private int _completed;
    private int _disposed;

    /// <summary>Creates a sink and its producer.</summary>
    /// <param name="options">The options; validated here.</param>
    /// <param name="logger">Receives delivery failures and client errors; optional.</param>
    /// <exception cref="ArgumentException">The options are invalid.</exception>
    public KafkaCrimeSink(KafkaCrimeSinkOptions options, ILogger<KafkaCrimeSink>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _options = options;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
        _onDelivery = OnDelivery;

        var config = new ProducerConfig
        {
            BootstrapServers = options.BootstrapServers,
            ClientId = options.ClientId,
            EnableIdempotence = true,
            Acks = Acks.All,
            LingerMs = options.Linger.TotalMilliseconds,
            MessageTimeoutMs = (int)Math.Min(int.MaxValue, options.DeliveryTimeout.TotalMilliseconds),
            QueueBufferingMaxMessages = options.MaxQueuedMessages,
            // Only the delivery outcome is needed, not the message back.
            DeliveryReportFields = "status",
        };
        foreach (var (name, value) in options.AdditionalConfig)
        {
            config.Set(name, value);
        }

        _producer = new ProducerBuilder<byte[], byte[]>(config)
            .SetLogHandler((_, m) => _logger.Log(ToLogLevel(m.Level), "librdkafka {Facility}: {Message}", m.Facility, m.Message))
            .SetErrorHandler((_, e) => _logger.Log(e.IsFatal ? LogLevel.Error : LogLevel.Warning, "Kafka producer error {Code}: {Reason}", e.Code, e.Reason))
            .Build();
    }

    /// <summary>Raised (on a producer thread) for every report that was not delivered.</summary>
    public event EventHandler<DeliveryFailure>? DeliveryFailed;

    /// <summary>The topic written to.</summary>
    public string Topic => _options.Topic;

    /// <summary>The fate of the reports written so far; final once <see cref="CompleteAsync"/> has returned.</summary>
    public DeliverySummary Summary => new(Interlocked.Read(ref _produced), Interlocked.Read(ref _delivered), _failures.ToArray());

    /// <summary>Queues one report for delivery; waits only while the local queue is full.</summary>
    /// <param name="report">The report.</param>
    /// <param name="cancellationToken">Stops waiting for queue space.</param>
    /// <returns>A task completed once the report is queued.</returns>
    /// <exception cref="InvalidOperationException">The sink was completed.</exception>
    /// <exception cref="OperationCanceledException">Cancelled while waiting for queue space.</exception>
    public ValueTask WriteAsync(CrimeReport report, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(report);
        if (Volatile.Read(ref _completed) != 0)
        {
            throw new InvalidOperationException("The sink has been completed.");
        }

        var message = new Message<byte[], byte[]>
        {
            Key = KeyOf(report.OfficerId),
            Value = SerializeToBytes(report),
            Timestamp = new Timestamp(report.ReportTime),
        };
        Produce(message, report, cancellationToken);
        return ValueTask.CompletedTask;
    }

    /// <summary>Waits for all outstanding deliveries (up to <see cref="KafkaCrimeSinkOptions.FlushTimeout"/>),
    /// counts the undelivered ones as failed, logs the summary and releases the producer.</summary>
    /// <param name="error">The error that ended the replay, if any; only logged.</param>
    /// <param name="cancellationToken">Stops waiting; outstanding reports are then reported as failed.</param>
    /// <returns>A task completed when the sink is closed.</returns>
    public async ValueTask CompleteAsync(Exception? error, CancellationToken cancellationToken)
    {
        if (Interlocked.Exchange(ref _completed, 1) != 0)
        {
            return;
        }

        if (error is not null)
        {
            _logger.LogWarning(error, "Replay ended with an error; flushing the reports already written.");
        }

        await Task.Run(() =>
        {
            var deadline = DateTime.UtcNow + _options.FlushTimeout;
            while (_producer.Flush(TimeSpan.FromMilliseconds(100)) > 0 && DateTime.UtcNow < deadline && !cancellationToken.IsCancellationRequested)
            {
            }
        }, CancellationToken.None).ConfigureAwait(false);

        var summary = Summary;
        if (summary.Pending > 0)
        {
            _logger.LogError("{Pending} reports were still in flight when the flush ended; their fate is unknown.", summary.Pending);
        }

        _logger.LogInformation("Kafka delivery: {Produced} produced, {Delivered} delivered, {Failed} failed.", summary.Produced, summary.Delivered, summary.Failed);
        Dispose();
    }

    /// <summary>Releases the producer without flushing (use <see cref="CompleteAsync"/> to flush).</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            Volatile.Write(ref _completed, 1);
            _producer.Dispose();
        }
    }

    internal static byte[] SerializeToBytes(CrimeReport report)
    {
        var buffer = t_buffer ??= new ArrayBufferWriter<byte>(1024);
        buffer.ResetWrittenCount();
        var writer = t_writer;
        if (writer is null)
        {
            writer = t_writer = new Utf8JsonWriter(buffer);
        }
        else
        {
            writer.Reset(buffer);
        }

        CrimeReportJson.Write(writer, report);
        writer.Flush();
        return buffer.WrittenSpan.ToArray();
    }

    private void Produce(Message<byte[], byte[]> message, CrimeReport report, CancellationToken cancellationToken)
    {
        var handler = _onDelivery;
        while (true)
        {
            try
            {
                _producer.Produce(_options.Topic, message, dr => handler(dr, report));
                Interlocked.Increment(ref _produced);
                return;
            }
            catch (ProduceException<byte[], byte[]> e) when (e.Error.Code == ErrorCode.Local_QueueFull)
            {
                // Back-pressure: serve delivery reports to make room, then retry; never drop.
                cancellationToken.ThrowIfCancellationRequested();
                _producer.Poll(TimeSpan.FromMilliseconds(10));
            }
            catch (ProduceException<byte[], byte[]> e)
            {
                // Rejected locally (e.g. message too large): count it like a failed delivery.
                Interlocked.Increment(ref _produced);
                RecordFailure(new DeliveryFailure(report, e.Error.Code, e.Error.Reason));
                return;
            }
        }
    }

    private void OnDelivery(DeliveryReport<byte[], byte[]> dr, CrimeReport report)
    {
        if (!dr.Error.IsError)
        {
            Interlocked.Increment(ref _delivered);
            return;
        }

        RecordFailure(new DeliveryFailure(report, dr.Error.Code, dr.Error.Reason));
    }

    private void RecordFailure(DeliveryFailure failure)
    {
        Interlocked.Increment(ref _failed);
        _failures.Enqueue(failure);
        _logger.LogError("Report {DrNumber} of officer {OfficerId} not delivered: {Code} {Reason}",
            failure.Report.Record.DrNumber, failure.Report.OfficerId, failure.Error, failure.Reason);
        try
        {
            DeliveryFailed?.Invoke(this, failure);
        }
        catch (Exception e)
        {
            // A throwing subscriber must not kill librdkafka's delivery thread.
            _logger.LogError(e, "A DeliveryFailed handler threw.");
        }
    }

    private byte[] KeyOf(int officerId)
        => _keys.GetOrAdd(officerId, static id => Encoding.UTF8.GetBytes(id.ToString(CultureInfo.InvariantCulture)));

    internal static LogLevel ToLogLevel(SyslogLevel level) => level switch
    {
        SyslogLevel.Emergency or SyslogLevel.Alert or SyslogLevel.Critical => LogLevel.Critical,
        SyslogLevel.Error => LogLevel.Error,
        SyslogLevel.Warning => LogLevel.Warning,
        SyslogLevel.Notice or SyslogLevel.Info => LogLevel.Information,
        _ => LogLevel.Debug,
    };
}
