using System.Reactive.Linq;
using System.Runtime.CompilerServices;
using Confluent.Kafka;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace CrimeStreaming.Kafka;

/// <summary>
/// Reads crime reports back from a Kafka topic, at least once: a report's offset is stored only after the downstream
/// has processed it, and stored offsets are committed periodically, when partitions are revoked, and on close.
/// </summary>
/// <remarks>
/// <para>"Processed" means: for <see cref="ReadAllAsync"/>, the consumer asked for the next report; for
/// <see cref="ToObservable"/>, the observer's <c>OnNext</c> returned. A crash in between repeats the report on restart
/// (turn on <see cref="KafkaCrimeSourceOptions.DeduplicateByDrNumber"/> to drop repeats).</para>
/// <para>A message that is not a report is skipped with a reason: counted in <see cref="Summary"/>, logged, and passed to
/// <see cref="InvalidMessage"/> (a dead-letter hook). It never stops the source.</para>
/// </remarks>
public sealed class KafkaCrimeSource
{
    private readonly KafkaCrimeSourceOptions _options;
    private readonly ILogger _logger;
    private long _read;
    private long _reports;
    private long _duplicates;
    private long _invalid;

    /// <summary>Creates the source; nothing connects until it is read.</summary>
    public KafkaCrimeSource(KafkaCrimeSourceOptions options, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _options = options;
        _logger = logger ?? NullLogger.Instance;
    }

    /// <summary>Raised for each message that is not a crime report.</summary>
    public event Action<InvalidMessage>? InvalidMessage;

    /// <summary>Counts so far (over every read of this source).</summary>
    public KafkaConsumeSummary Summary => new()
    {
        Read = Interlocked.Read(ref _read),
        Reports = Interlocked.Read(ref _reports),
        Duplicates = Interlocked.Read(ref _duplicates),
        Invalid = Interlocked.Read(ref _invalid),
    };

    /// <summary>The reports as an observable; each subscription is one consumer of the group. Disposing it stops the consumer.</summary>
    public IObservable<ConsumedCrimeReport> ToObservable() =>
        Observable.Create<ConsumedCrimeReport>(async (observer, cancellationToken) =>
        {
            await foreach (var report in ReadAllAsync(cancellationToken).ConfigureAwait(false))
            {
                observer.OnNext(report);
            }
        });

    /// <summary>Reads reports until cancelled, or until the end or the limit the options set.</summary>
    public async IAsyncEnumerable<ConsumedCrimeReport> ReadAllAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        KafkaNative.EnsureLoaded();
        await Task.Yield(); // the consumer loop blocks in librdkafka: never on the caller's context
        var assigned = new HashSet<TopicPartition>();
        var atEnd = new HashSet<TopicPartition>();
        var seen = _options.DeduplicateByDrNumber ? new HashSet<string>(StringComparer.Ordinal) : null;
        using var consumer = new ConsumerBuilder<Ignore, byte[]>(_options.ToConfig())
            .SetLogHandler((_, m) => KafkaLog.Message(_logger, m))
            .SetErrorHandler((_, e) => KafkaLog.Error(_logger, "consumer", e))
            .SetPartitionsAssignedHandler((_, partitions) =>
            {
                foreach (var p in partitions)
                {
                    assigned.Add(p);
                    atEnd.Remove(p);
                }
            })
            .SetPartitionsRevokedHandler((c, partitions) =>
            {
                CommitStored(c);
                foreach (var p in partitions)
                {
                    assigned.Remove(p.TopicPartition);
                    atEnd.Remove(p.TopicPartition);
                }
            })
            .Build();
        consumer.Subscribe(_options.Topic);
        long processed = 0;
        var idle = System.Diagnostics.Stopwatch.StartNew();
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                if (_options.MaxReports is { } max && processed >= max)
                {
                    break;
                }

                if (_options.StopAtEnd && assigned.Count > 0 && atEnd.IsSupersetOf(assigned))
                {
                    break;
                }

                if (_options.IdleTimeout is { } idleTimeout && idle.Elapsed >= idleTimeout)
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
                    // E.g. the topic does not exist yet or a partition's leader is unavailable: librdkafka recovers.
                    _logger.LogWarning("Consume error {Code}: {Reason}", e.Error.Code, e.Error.Reason);
                    continue;
                }

                if (result is null)
                {
                    continue;
                }

                if (result.IsPartitionEOF)
                {
                    atEnd.Add(result.TopicPartition);
                    continue;
                }

                idle.Restart();
                atEnd.Remove(result.TopicPartition);
                Interlocked.Increment(ref _read);
                CrimeReport report;
                try
                {
                    report = CrimeReportJson.Deserialize(result.Message.Value);
                }
                catch (FormatException e)
                {
                    Interlocked.Increment(ref _invalid);
                    _logger.LogWarning("Skipped message {Partition}@{Offset}: {Reason}", result.Partition.Value, result.Offset.Value, e.Message);
                    RaiseInvalid(new InvalidMessage(result.Partition.Value, result.Offset.Value, result.Message.Value, e.Message));
                    consumer.StoreOffset(result);
                    continue;
                }

                if (seen is not null && !seen.Add(report.Record.DrNumber))
                {
                    Interlocked.Increment(ref _duplicates);
                    consumer.StoreOffset(result);
                    continue;
                }

                Interlocked.Increment(ref _reports);
                yield return new ConsumedCrimeReport(report, result.Message.Timestamp.UtcDateTime, result.Partition.Value, result.Offset.Value);

                // The caller came back for more: the report has been processed, so its offset may be committed.
                consumer.StoreOffset(result);
                processed++;
            }
        }
        finally
        {
            CommitStored(consumer);
            consumer.Close();
        }
    }

    private void RaiseInvalid(InvalidMessage message)
    {
        try
        {
            InvalidMessage?.Invoke(message);
        }
        catch (Exception e)
        {
            // A faulty dead-letter handler must not stop the source.
            _logger.LogError(e, "An InvalidMessage handler threw for {Partition}@{Offset}.", message.Partition, message.Offset);
        }
    }

    private void CommitStored(IConsumer<Ignore, byte[]> consumer)
    {
        try
        {
            consumer.Commit();
        }
        catch (KafkaException e) when (e.Error.Code is ErrorCode.Local_NoOffset)
        {
            // Nothing stored since the last commit.
        }
        catch (KafkaException e)
        {
            _logger.LogWarning("Commit failed: {Code} {Reason}", e.Error.Code, e.Error.Reason);
        }
    }
}
