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
/// <see cref="ToObservable"/>, the observer's <c>OnNext</c> returned while the subscription was live (a report that
/// arrives as the subscription is disposed is not delivered, so not committed). A crash in between repeats the report
/// on restart (turn on <see cref="KafkaCrimeSourceOptions.DeduplicateByDrNumber"/> to drop repeats).</para>
/// <para><see cref="EndOfStream"/> markers are not reports: they are counted, and with
/// <see cref="KafkaCrimeSourceOptions.StopAtEndOfStream"/> end the read once every assigned partition has ended.</para>
/// <para>A position below a partition's log start (the messages were deleted by retention before they were read) is not
/// skipped silently: the exact number is counted in <see cref="KafkaConsumeSummary.Lost"/> and raised through
/// <see cref="MessagesLost"/>, and the read resumes at the log start.</para>
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
    private long _endMarkers;
    private LogStartGuard? _guard;

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

    /// <summary>Raised when messages were deleted from a partition before this source read them.</summary>
    public event Action<LostMessages>? MessagesLost;

    /// <summary>Counts so far (over every read of this source).</summary>
    public KafkaConsumeSummary Summary => new()
    {
        Read = Interlocked.Read(ref _read),
        Reports = Interlocked.Read(ref _reports),
        Duplicates = Interlocked.Read(ref _duplicates),
        Invalid = Interlocked.Read(ref _invalid),
        EndMarkers = Interlocked.Read(ref _endMarkers),
        Lost = Volatile.Read(ref _guard)?.Lost ?? 0,
    };

    /// <summary>The reports as an observable; each subscription is one consumer of the group. Disposing it stops the consumer.</summary>
    /// <remarks>
    /// Delivery and disposal are serialised: a report is either delivered to the observer before the subscription is
    /// disposed (and then committed), or not delivered at all (and then read again by the next consumer of the group).
    /// </remarks>
    public IObservable<ConsumedCrimeReport> ToObservable() =>
        Observable.Create<ConsumedCrimeReport>(observer =>
        {
            var gate = new object();
            var disposed = false;
            var stop = new CancellationTokenSource();
            bool Deliver(ConsumedCrimeReport report)
            {
                lock (gate)
                {
                    if (disposed)
                    {
                        return false;
                    }

                    observer.OnNext(report);
                    return true;
                }
            }

            var run = Task.Run(async () =>
            {
                try
                {
                    await foreach (var report in ReadCoreAsync(stop.Token, Deliver).ConfigureAwait(false))
                    {
                        // Delivered inside ReadAllAsync, before its offset is stored.
                    }

                    lock (gate)
                    {
                        if (!disposed)
                        {
                            observer.OnCompleted();
                        }
                    }
                }
                catch (OperationCanceledException) when (stop.IsCancellationRequested)
                {
                    // Disposed.
                }
                catch (Exception e)
                {
                    lock (gate)
                    {
                        if (!disposed)
                        {
                            observer.OnError(e);
                        }
                    }
                }
            });
            return () =>
            {
                lock (gate)
                {
                    disposed = true;
                }

                stop.Cancel();
            };
        });

    /// <summary>Reads reports until cancelled, or until the end or the limit the options set.</summary>
    public IAsyncEnumerable<ConsumedCrimeReport> ReadAllAsync(CancellationToken cancellationToken = default) => ReadCoreAsync(cancellationToken, deliver: null);

    private async IAsyncEnumerable<ConsumedCrimeReport> ReadCoreAsync([EnumeratorCancellation] CancellationToken cancellationToken, Func<ConsumedCrimeReport, bool>? deliver)
    {
        KafkaNative.EnsureLoaded();
        await Task.Yield(); // the consumer loop blocks in librdkafka: never on the caller's context
        var assigned = new HashSet<TopicPartition>();
        var atEnd = new HashSet<TopicPartition>();
        var seen = _options.DeduplicateByDrNumber ? new HashSet<string>(StringComparer.Ordinal) : null;
        var ends = new EndOfStreamTracker();
        var config = _options.ToConfig();
        var guard = new LogStartGuard(_logger, lost => RaiseLost(lost));
        Volatile.Write(ref _guard, guard);

        // Rebalances are numbered: a message read before one (while a batch was filled) is processed only if its
        // partition is still assigned and was not assigned again since (which restarts it from the committed offset).
        var rebalances = 0;
        var assignedAt = new Dictionary<TopicPartition, int>();
        using var consumer = new ConsumerBuilder<Ignore, byte[]>(config)
            .SetLogHandler((_, m) => KafkaLog.Message(_logger, m))
            .SetErrorHandler((_, e) => KafkaLog.Error(_logger, "consumer", e))
            .SetPartitionsAssignedHandler((c, partitions) =>
            {
                rebalances++;
                foreach (var p in partitions)
                {
                    assigned.Add(p);
                    atEnd.Remove(p);
                    assignedAt[p] = rebalances;
                }

                return guard.Assigned(c, partitions);
            })
            .SetPartitionsRevokedHandler((c, partitions) =>
            {
                rebalances++;
                CommitStored(c);
                guard.Revoked(partitions);
                foreach (var p in partitions)
                {
                    assigned.Remove(p.TopicPartition);
                    atEnd.Remove(p.TopicPartition);
                    assignedAt.Remove(p.TopicPartition);
                    ends.Forget(p.Partition.Value);
                }
            })
            .Build();
        consumer.Subscribe(_options.Topic);
        long processed = 0;
        var idle = System.Diagnostics.Stopwatch.StartNew();
        var maxBatch = _options.DecodeInBatches ? MaxBatch : 1;
        var batch = new List<ConsumeResult<Ignore, byte[]>>(maxBatch);
        var readAt = new int[maxBatch];
        var decoded = new Decoded[maxBatch];
        try
        {
            while (!cancellationToken.IsCancellationRequested && !ShouldStop())
            {
                // What is ready is read at once (up to a batch), its reports are decoded (in parallel when it is large
                // enough), and then processed one by one in the order read, exactly as if read one by one.
                batch.Clear();
                var first = TryConsume(TimeSpan.FromMilliseconds(100));
                var fillStart = rebalances;
                while (first is not null)
                {
                    readAt[batch.Count] = rebalances;
                    batch.Add(first);
                    first = batch.Count < maxBatch ? TryConsume(TimeSpan.Zero) : null;
                }

                if (batch.Count == 0)
                {
                    continue;
                }

                Decode(batch, decoded);
                var checkAssignment = rebalances != fillStart;
                for (var i = 0; i < batch.Count; i++)
                {
                    if (i > 0 && (cancellationToken.IsCancellationRequested || ShouldStop()))
                    {
                        yield break;
                    }

                    var result = batch[i];
                    if (checkAssignment && readAt[i] != rebalances && (!assignedAt.TryGetValue(result.TopicPartition, out var since) || since > readAt[i]))
                    {
                        continue; // read before its partition was revoked or assigned again: not processed, read again
                    }

                    if (result.IsPartitionEOF)
                    {
                        atEnd.Add(result.TopicPartition);
                        continue;
                    }

                    idle.Restart();
                    atEnd.Remove(result.TopicPartition);
                    guard.Read(consumer, result.TopicPartition, result.Offset.Value);
                    Interlocked.Increment(ref _read);
                    var (report, error) = decoded[i];
                    decoded[i] = default;
                    if (report is null && error is null)
                    {
                        if (EndOfStream.TryRead(result.Message.Headers, out var shard))
                        {
                            Interlocked.Increment(ref _endMarkers);
                            ends.Add(result.Partition.Value, shard);
                        }
                        else
                        {
                            Interlocked.Increment(ref _invalid);
                            RaiseInvalid(new InvalidMessage(result.Partition.Value, result.Offset.Value, result.Message.Value, "unknown control message"));
                        }

                        consumer.StoreOffset(result);
                        continue;
                    }

                    if (report is null)
                    {
                        Interlocked.Increment(ref _invalid);
                        _logger.LogWarning("Skipped message {Partition}@{Offset}: {Reason}", result.Partition.Value, result.Offset.Value, error);
                        RaiseInvalid(new InvalidMessage(result.Partition.Value, result.Offset.Value, result.Message.Value, error!));
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
                    var consumed = new ConsumedCrimeReport(report, result.Message.Timestamp.UtcDateTime, result.Partition.Value, result.Offset.Value);
                    if (deliver is not null && !deliver(consumed))
                    {
                        Interlocked.Decrement(ref _reports);
                        yield break; // not delivered: not processed, so not committed
                    }

                    yield return consumed;

                    // The caller came back for more: the report has been processed, so its offset may be committed.
                    consumer.StoreOffset(result);
                    processed++;
                }
            }
        }
        finally
        {
            CommitStored(consumer);
            consumer.Close();
        }

        bool ShouldStop() =>
            (_options.MaxReports is { } max && processed >= max)
            || (_options.StopAtEnd && assigned.Count > 0 && atEnd.IsSupersetOf(assigned))
            || (_options.IdleTimeout is { } idleTimeout && idle.Elapsed >= idleTimeout)
            || (_options.StopAtEndOfStream && assigned.Count > 0 && assigned.All(p => ends.IsEnded(p.Partition.Value)));

        ConsumeResult<Ignore, byte[]>? TryConsume(TimeSpan timeout)
        {
            try
            {
                return consumer.Consume(timeout);
            }
            catch (ConsumeException e) when (!e.Error.IsFatal)
            {
                // E.g. the topic does not exist yet or a partition's leader is unavailable: librdkafka recovers.
                _logger.LogWarning("Consume error {Code}: {Reason}", e.Error.Code, e.Error.Reason);
                return null;
            }
        }
    }

    private const int MaxBatch = 256;

    /// <summary>Below this many messages a batch is decoded on the reading thread alone.</summary>
    private const int ParallelDecodeMin = 64;

    /// <summary>A decoded message: a report, or why it is not one; neither for a control message (or an end of partition).</summary>
    private readonly record struct Decoded(CrimeReport? Report, string? Error);

    private static void Decode(List<ConsumeResult<Ignore, byte[]>> batch, Decoded[] decoded)
    {
        if (batch.Count < ParallelDecodeMin)
        {
            DecodeRange(batch, decoded, 0, batch.Count);
            return;
        }

        // Two halves: one on the pool, one here. Order does not matter while decoding: processing is in read order.
        var half = batch.Count / 2;
        var other = Task.Run(() => DecodeRange(batch, decoded, half, batch.Count));
        DecodeRange(batch, decoded, 0, half);
        other.GetAwaiter().GetResult();
    }

    private static void DecodeRange(List<ConsumeResult<Ignore, byte[]>> batch, Decoded[] decoded, int from, int to)
    {
        for (var i = from; i < to; i++)
        {
            var result = batch[i];
            if (result.IsPartitionEOF || EndOfStream.IsControl(result.Message.Headers))
            {
                decoded[i] = default;
                continue;
            }

            try
            {
                decoded[i] = new Decoded(CrimeReportJson.Deserialize(result.Message.Value), null);
            }
            catch (FormatException e)
            {
                decoded[i] = new Decoded(null, e.Message);
            }
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

    private void RaiseLost(LostMessages lost)
    {
        MessagesLost?.Invoke(lost);
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
