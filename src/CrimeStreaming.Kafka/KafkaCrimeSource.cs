using System.Runtime.CompilerServices;
using Confluent.Kafka;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace CrimeStreaming.Kafka;

/// <summary>
/// Reads crime reports back from a Kafka topic, at least once: a report's offset is stored only after the downstream
/// has processed it (in batches: at most 1,000 reports or 100 ms later), and stored offsets are committed
/// periodically, when partitions are revoked, and on close (every processed offset is stored before these two).
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
public sealed class KafkaCrimeSource : IObservable<ConsumedCrimeReport>, IAsyncEnumerable<ConsumedCrimeReport>
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
    /// <param name="options">The options; copied and validated.</param>
    /// <param name="logger">Where to log; the default logs nothing.</param>
    /// <exception cref="InvalidOptionsException"><paramref name="options"/> are invalid.</exception>
    public KafkaCrimeSource(KafkaCrimeSourceOptions options, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options = options.Clone();
        options.Validate();
        _options = options;
        _logger = logger ?? NullLogger.Instance;
    }

    /// <summary>The validated options (a copy: changing the caller's object later has no effect).</summary>
    public KafkaCrimeSourceOptions Options => _options;

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

    /// <summary>The reports as an observable (this source); each subscription is one consumer of the group. Disposing it stops the consumer.</summary>
    /// <remarks>
    /// <para>An offset is stored only after the observer acknowledged the report: its <c>OnNext</c> returned while the
    /// subscription was live. Delivery and disposal are serialised, so a report is either delivered before the
    /// subscription is disposed (and then committed) or not delivered at all (and then read again by the group's next
    /// consumer). Disposing never waits for the consumer, so it may be called from <c>OnNext</c> or from any thread;
    /// the consumer commits and leaves the group in the background. An observer whose <c>OnNext</c> throws ends its
    /// subscription: that report is read again by the group's next consumer, and the exception is logged.</para>
    /// <para>The guarantee is the directly subscribed observer's. An operator chained after this observable (e.g.
    /// <c>Where</c>, <c>Select</c>, <c>Buffer</c>) subscribes its own sink, and an Rx sink mutes itself before it
    /// disposes its upstream: a report that arrives in between is acknowledged by the muted sink and never reaches the
    /// observer at the end of the chain. Where every report must reach that observer, read with
    /// <see cref="ReadAllAsync"/> instead, whose reports are processed only when the loop asks for the next one.</para>
    /// </remarks>
    public IObservable<ConsumedCrimeReport> ToObservable() => this;

    /// <summary>Subscribes one consumer of the group, as <see cref="ToObservable"/> does: the source is an <see cref="IObservable{T}"/> of reports, as the sink is an <see cref="ICrimeReportSink"/>.</summary>
    /// <param name="observer">Receives the reports; an offset is stored only after <c>OnNext</c> returned while the subscription was live (see <see cref="ToObservable"/>).</param>
    /// <returns>Disposing it stops the consumer, without waiting for it.</returns>
    public IDisposable Subscribe(IObserver<ConsumedCrimeReport> observer)
    {
        ArgumentNullException.ThrowIfNull(observer);
        return new KafkaReportSubscription(observer, ReadCoreAsync, _logger);
    }

    /// <summary>Reads as <see cref="ReadAllAsync"/> does, so that <c>await foreach (var report in source)</c> works.</summary>
    /// <param name="cancellationToken">Stops reading.</param>
    public IAsyncEnumerator<ConsumedCrimeReport> GetAsyncEnumerator(CancellationToken cancellationToken = default) => ReadAllAsync(cancellationToken).GetAsyncEnumerator(cancellationToken);

    /// <summary>Reads reports until cancelled, or until the end or the limit the options set.</summary>
    public IAsyncEnumerable<ConsumedCrimeReport> ReadAllAsync(CancellationToken cancellationToken = default) => ReadCoreAsync(cancellationToken, deliver: null);

    private async IAsyncEnumerable<ConsumedCrimeReport> ReadCoreAsync([EnumeratorCancellation] CancellationToken cancellationToken, Func<ConsumedCrimeReport, bool>? deliver)
    {
        await Task.Yield(); // the consumer loop blocks in librdkafka: never on the caller's context
        var assigned = new HashSet<TopicPartition>();
        var atEnd = new HashSet<TopicPartition>();
        var seen = _options.DeduplicateByDrNumber ? new HashSet<string>(StringComparer.Ordinal) : null;
        var ends = new EndOfStreamTracker();
        var config = _options.ToConfig();
        var guard = new LogStartGuard(_logger, lost => RaiseLost(lost));
        var offsets = new ProcessedOffsets(_options.Topic, _logger);
        Volatile.Write(ref _guard, guard);
        using var runtime = new ConsumerRuntime<Ignore>(config, "consumer", _logger, outage: null, (builder, self) => builder
            .SetPartitionsAssignedHandler((c, partitions) =>
            {
                foreach (var p in partitions)
                {
                    assigned.Add(p);
                    atEnd.Remove(p);
                }

                return guard.Assigned(c, partitions);
            })
            .SetPartitionsRevokedHandler((c, partitions) =>
            {
                offsets.Store(c);
                self.Commit();
                guard.Revoked(partitions);
                foreach (var p in partitions)
                {
                    assigned.Remove(p.TopicPartition);
                    atEnd.Remove(p.TopicPartition);
                    ends.Forget(p.Partition.Value);
                }
            }));
        var consumer = runtime.Consumer;
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

                if (_options.StopAtEndOfStream && assigned.Count > 0 && assigned.All(p => ends.IsEnded(p.Partition.Value)))
                {
                    break;
                }

                var result = runtime.Poll(TimeSpan.FromMilliseconds(100));
                if (result is null)
                {
                    offsets.StoreIfDue(consumer);
                    continue;
                }

                if (result.IsPartitionEOF)
                {
                    atEnd.Add(result.TopicPartition);
                    offsets.StoreIfDue(consumer);
                    continue;
                }

                idle.Restart();
                atEnd.Remove(result.TopicPartition);
                guard.Read(consumer, result.TopicPartition, result.Offset.Value);
                Interlocked.Increment(ref _read);
                if (EndOfStream.IsControl(result.Message.Headers))
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

                    offsets.Processed(consumer, result.Partition.Value, result.Offset.Value);
                    continue;
                }

                CrimeReport report;
                try
                {
                    report = _options.Deserializer.DeserializeReport(result);
                }
                catch (FormatException e)
                {
                    Interlocked.Increment(ref _invalid);
                    _logger.LogWarning("Skipped message {Partition}@{Offset}: {Reason}", result.Partition.Value, result.Offset.Value, e.Message);
                    RaiseInvalid(new InvalidMessage(result.Partition.Value, result.Offset.Value, result.Message.Value, e.Message));
                    offsets.Processed(consumer, result.Partition.Value, result.Offset.Value);
                    continue;
                }

                if (seen is not null && !seen.Add(report.Record.DrNumber))
                {
                    Interlocked.Increment(ref _duplicates);
                    offsets.Processed(consumer, result.Partition.Value, result.Offset.Value);
                    continue;
                }

                var consumed = new ConsumedCrimeReport(report, result.Message.Timestamp.UtcDateTime, result.Partition.Value, result.Offset.Value);
                if (deliver is null)
                {
                    Interlocked.Increment(ref _reports);
                    yield return consumed;

                    // The caller came back for more: the report has been processed. A caller that stops instead
                    // (break, an exception, a disposed enumerator) never comes back here: the report is not stored.
                }
                else if (deliver(consumed))
                {
                    // The observer's OnNext returned while its subscription was live: the report has been processed.
                    Interlocked.Increment(ref _reports);
                }
                else
                {
                    break; // the subscription was disposed first: not delivered, so not stored; the group reads it again
                }

                offsets.Processed(consumer, result.Partition.Value, result.Offset.Value);
                processed++;
                offsets.StoreIfDue(consumer);
            }
        }
        finally
        {
            offsets.Store(consumer);
            runtime.Commit();
            runtime.Close();
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
}
