using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Confluent.Kafka;
using CrimeStreaming.Kafka.Producing;
using CrimeStreaming.Kafka.Serialization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace CrimeStreaming.Kafka.Consuming;

/// <summary>
/// Reads reports back from Kafka in a consumer group, at least once: a message's offset is stored only after the
/// caller has processed it (asked for the next one), and stored offsets are committed periodically, on partition
/// revocation and when the source stops. A reader that crashes re-reads at most what it had not finished.
/// </summary>
/// <remarks>Undeserializable messages are skipped, counted and raised through <see cref="MessageSkipped"/>.</remarks>
public sealed class KafkaCrimeSource
{
    private readonly KafkaCrimeSourceOptions _options;
    private readonly ILogger _logger;
    private long _consumed;
    private long _skipped;
    private long _duplicates;

    /// <summary>Creates a source; nothing connects until <see cref="ReadAllAsync"/> is enumerated.</summary>
    /// <param name="options">The options; validated here.</param>
    /// <param name="logger">Receives skipped messages and client errors; optional.</param>
    /// <exception cref="ArgumentException">The options are invalid.</exception>
    public KafkaCrimeSource(KafkaCrimeSourceOptions options, ILogger<KafkaCrimeSource>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _options = options;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
    }

    /// <summary>Raised for every message skipped because it is not a valid report (a dead-letter hook).</summary>
    public event EventHandler<SkippedMessage>? MessageSkipped;

    /// <summary>Reports returned so far.</summary>
    public long Consumed => Interlocked.Read(ref _consumed);

    /// <summary>Messages skipped because they could not be deserialized.</summary>
    public long Skipped => Interlocked.Read(ref _skipped);

    /// <summary>Reports skipped as duplicates (with <see cref="KafkaCrimeSourceOptions.DeduplicateByDrNumber"/>).</summary>
    public long Duplicates => Interlocked.Read(ref _duplicates);

    /// <summary>Consumes the topic until a stop condition of the options is met or <paramref name="cancellationToken"/>
    /// is cancelled (which ends the enumeration without an exception).</summary>
    /// <param name="cancellationToken">Stops reading.</param>
    /// <returns>The reports, in partition order.</returns>
    public async IAsyncEnumerable<ConsumedCrimeReport> ReadAllAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        // Consume() blocks: leave the caller's context first.
        await Task.Yield();
        var atEnd = new HashSet<int>();
        var assigned = new HashSet<int>();
        var seen = _options.DeduplicateByDrNumber ? new HashSet<string>(StringComparer.Ordinal) : null;
        using var consumer = BuildConsumer(assigned, atEnd);
        consumer.Subscribe(_options.Topic);
        try
        {
            var idle = Stopwatch.StartNew();
            long returned = 0;
            ConsumeResult<Ignore, byte[]>? pending = null;
            while (!cancellationToken.IsCancellationRequested)
            {
                if (pending is not null)
                {
                    // The caller came back for more: the previous report is processed.
                    consumer.StoreOffset(pending);
                    pending = null;
                }

                if (_options.MaxReports is { } max && returned >= max)
                {
                    break;
                }

                if (_options.StopAtEnd && assigned.Count > 0 && atEnd.IsSupersetOf(assigned))
                {
                    break;
                }

                if (_options.IdleTimeout is { } timeout && idle.Elapsed >= timeout)
                {
                    break;
                }

                ConsumeResult<Ignore, byte[]>? result;
                try
                {
                    result = consumer.Consume(TimeSpan.FromMilliseconds(100));
                }
                catch (ConsumeException e) when (!e.Error.IsFatal)
                {
                    _logger.LogWarning("Consume error {Code}: {Reason}", e.Error.Code, e.Error.Reason);
                    continue;
                }

                if (result is null)
                {
                    continue;
                }

                if (result.IsPartitionEOF)
                {
                    atEnd.Add(result.Partition.Value);
                    continue;
                }

                idle.Restart();
                atEnd.Remove(result.Partition.Value);
                var report = TryDeserialize(result);
                if (report is null)
                {
                    consumer.StoreOffset(result);
                    continue;
                }

                if (seen is not null && !seen.Add(report.Record.DrNumber))
                {
                    Interlocked.Increment(ref _duplicates);
                    consumer.StoreOffset(result);
                    continue;
                }

                pending = result;
                returned++;
                Interlocked.Increment(ref _consumed);
                yield return new ConsumedCrimeReport(report, EventTimeOf(result.Message.Timestamp, report), result.Partition.Value, result.Offset.Value);
            }

            if (pending is not null && !cancellationToken.IsCancellationRequested)
            {
                consumer.StoreOffset(pending);
            }
        }
        finally
        {
            // Close commits the stored offsets and leaves the group promptly.
            try
            {
                consumer.Close();
            }
            catch (KafkaException e)
            {
                _logger.LogWarning("Closing the consumer failed: {Code} {Reason}", e.Error.Code, e.Error.Reason);
            }
        }
    }

    private static DateTimeOffset EventTimeOf(Timestamp timestamp, CrimeReport report)
        => timestamp.Type == TimestampType.NotAvailable
            ? report.ReportTime
            : DateTimeOffset.FromUnixTimeMilliseconds(timestamp.UnixTimestampMs);

    private IConsumer<Ignore, byte[]> BuildConsumer(HashSet<int> assigned, HashSet<int> atEnd)
    {
        var config = new ConsumerConfig
        {
            BootstrapServers = _options.BootstrapServers,
            GroupId = _options.GroupId,
            AutoOffsetReset = _options.StartFromEarliest ? AutoOffsetReset.Earliest : AutoOffsetReset.Latest,
            EnableAutoCommit = true,
            // Offsets are stored by hand after processing; auto-commit only commits what was stored.
            EnableAutoOffsetStore = false,
            AutoCommitIntervalMs = (int)_options.CommitInterval.TotalMilliseconds,
            EnablePartitionEof = _options.StopAtEnd,
            SessionTimeoutMs = (int)_options.SessionTimeout.TotalMilliseconds,
            HeartbeatIntervalMs = (int)Math.Max(100, _options.SessionTimeout.TotalMilliseconds / 12),
        };
        foreach (var (name, value) in _options.AdditionalConfig)
        {
            config.Set(name, value);
        }

        return new ConsumerBuilder<Ignore, byte[]>(config)
            .SetLogHandler((_, m) => _logger.Log(KafkaCrimeSink.ToLogLevel(m.Level), "librdkafka {Facility}: {Message}", m.Facility, m.Message))
            .SetErrorHandler((_, e) => _logger.Log(e.IsFatal ? LogLevel.Error : LogLevel.Warning, "Kafka consumer error {Code}: {Reason}", e.Code, e.Reason))
            .SetPartitionsAssignedHandler((_, parts) =>
            {
                foreach (var p in parts)
                {
                    assigned.Add(p.Partition.Value);
                }
            })
            .SetPartitionsRevokedHandler((_, parts) =>
            {
                foreach (var p in parts)
                {
                    assigned.Remove(p.Partition.Value);
                    atEnd.Remove(p.Partition.Value);
                }
            })
            .SetPartitionsLostHandler((_, parts) =>
            {
                foreach (var p in parts)
                {
                    assigned.Remove(p.Partition.Value);
                    atEnd.Remove(p.Partition.Value);
                }
            })
            .Build();
    }

    private CrimeReport? TryDeserialize(ConsumeResult<Ignore, byte[]> result)
    {
        string reason;
        try
        {
            if (result.Message.Value is { } value)
            {
                return CrimeReportJson.Deserialize(value);
            }

            reason = "null value";
        }
        catch (JsonException e)
        {
            reason = e.Message;
        }

        Interlocked.Increment(ref _skipped);
        var skipped = new SkippedMessage(result.Partition.Value, result.Offset.Value, result.Message.Value, reason);
        _logger.LogWarning("Skipped message at partition {Partition} offset {Offset}: {Reason}", skipped.Partition, skipped.Offset, reason);
        try
        {
            MessageSkipped?.Invoke(this, skipped);
        }
        catch (Exception e)
        {
            _logger.LogError(e, "A MessageSkipped handler threw.");
        }

        return null;
    }
}
