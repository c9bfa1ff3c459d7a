using Confluent.Kafka;
using Microsoft.Extensions.Logging;

namespace CrimeStreaming.Kafka;

/// <summary>
/// The consumer plumbing every reader of this library runs on — the source, the analysis instances, the results reader
/// and the state reader: one consumer with its logs and errors routed to the logger, polling that survives non-fatal
/// errors, broker-outage detection, and commits of stored offsets.
/// </summary>
/// <remarks>
/// <para>The delivery contract the readers keep on top of it: an offset is stored only once what it covers was
/// acknowledged — a report taken by the caller, a state delivered to the state topic — and only stored offsets are
/// committed (<c>enable.auto.offset.store</c> is off for every reader).</para>
/// <para>Used by one thread, the reader's loop; rebalance handlers run on it too, inside <see cref="Poll"/>.</para>
/// </remarks>
/// <typeparam name="TKey">The message key type.</typeparam>
internal sealed class ConsumerRuntime<TKey> : IDisposable
{
    private readonly string _role;
    private readonly ILogger _logger;
    private readonly BrokerOutage? _outage;
    private bool _closed;

    /// <param name="config">The consumer's settings.</param>
    /// <param name="role">What the consumer is, in logs and errors ("analysis consumer").</param>
    /// <param name="logger">Where librdkafka's logs and errors go.</param>
    /// <param name="outage">Fails <see cref="Poll"/> when no broker has answered for its timeout; <see langword="null"/> waits for ever.</param>
    /// <param name="configure">Adds rebalance handlers (or anything else) to the builder; it is given this runtime, so that a
    /// handler can commit through it.</param>
    public ConsumerRuntime(ConsumerConfig config, string role, ILogger logger, BrokerOutage? outage = null, Action<ConsumerBuilder<TKey, byte[]>, ConsumerRuntime<TKey>>? configure = null)
    {
        _role = role;
        _logger = logger;
        _outage = outage;
        var builder = new ConsumerBuilder<TKey, byte[]>(config)
            .SetLogHandler((_, m) => KafkaLog.Message(logger, m))
            .SetErrorHandler((_, e) =>
            {
                outage?.OnError(e);
                KafkaLog.Error(logger, role, e);
            });
        configure?.Invoke(builder, this);
        Consumer = builder.Build();
    }

    public IConsumer<TKey, byte[]> Consumer { get; }

    /// <summary>
    /// The next message (or partition end), or <see langword="null"/> when none came within <paramref name="timeout"/> or a
    /// non-fatal error was logged instead (librdkafka recovers from those: a topic not there yet, a leader moving).
    /// </summary>
    /// <exception cref="KafkaException">No broker has answered for the outage timeout, or a fatal error.</exception>
    public ConsumeResult<TKey, byte[]>? Poll(TimeSpan timeout)
    {
        ConsumeResult<TKey, byte[]>? result;
        try
        {
            result = Consumer.Consume(timeout);
        }
        catch (ConsumeException e) when (!e.Error.IsFatal)
        {
            _logger.LogWarning("{Role}: consume error {Code}: {Reason}", _role, e.Error.Code, e.Error.Reason);
            return null;
        }

        if (result is null)
        {
            _outage?.Check(Consumer);
        }
        else
        {
            _outage?.OnAlive();
        }

        return result;
    }

    /// <summary>Commits the stored offsets; nothing stored is not an error, a failed commit is logged (the next one covers it).</summary>
    public void Commit()
    {
        try
        {
            Consumer.Commit();
        }
        catch (KafkaException e) when (e.Error.Code == ErrorCode.Local_NoOffset)
        {
            // Nothing stored since the last commit.
        }
        catch (KafkaException e)
        {
            // A commit that failed only means a successor reads from an older offset: the readers tolerate reading again.
            _logger.LogWarning("{Role}: commit failed: {Code} {Reason}", _role, e.Error.Code, e.Error.Reason);
        }
    }

    /// <summary>Leaves the group (a subscribed consumer) or stops fetching, once.</summary>
    public void Close()
    {
        if (!_closed)
        {
            _closed = true;
            Consumer.Close();
        }
    }

    public void Dispose()
    {
        Close();
        Consumer.Dispose();
    }
}
