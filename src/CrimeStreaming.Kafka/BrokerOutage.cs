using Confluent.Kafka;

namespace CrimeStreaming.Kafka;

/// <summary>
/// Turns "all brokers down" into a failure after a while, instead of a client that retries for ever: librdkafka reports
/// the outage once, and keeps reconnecting in silence.
/// </summary>
internal sealed class BrokerOutage(string? bootstrapServers, TimeSpan unreachableTimeout, TimeProvider time)
{
    private long _since = -1;

    public void OnError(Error error)
    {
        if (error.Code == ErrorCode.Local_AllBrokersDown)
        {
            Interlocked.CompareExchange(ref _since, time.GetTimestamp(), -1);
        }
    }

    public void OnAlive() => Interlocked.Exchange(ref _since, -1);

    /// <summary>Throws when no broker has answered for longer than the timeout (checked once more with a metadata request).</summary>
    public void Check(IClient client)
    {
        var since = Interlocked.Read(ref _since);
        if (since < 0 || time.GetElapsedTime(since) < unreachableTimeout)
        {
            return;
        }

        try
        {
            using var admin = new DependentAdminClientBuilder(client.Handle).Build();
            admin.GetMetadata(TimeSpan.FromSeconds(5));
            OnAlive();
        }
        catch (KafkaException)
        {
            throw new KafkaException(new Error(ErrorCode.Local_AllBrokersDown, $"no broker of {bootstrapServers} has answered for {unreachableTimeout.TotalSeconds:N0} s"));
        }
    }
}
