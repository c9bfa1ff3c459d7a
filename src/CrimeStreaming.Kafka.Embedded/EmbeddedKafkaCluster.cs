using Confluent.Kafka;
using CrimeStreaming.Kafka.Embedded.Native;

namespace CrimeStreaming.Kafka.Embedded;

/// <summary>
/// A Kafka cluster of N brokers inside this process (librdkafka's mock cluster), speaking the real Kafka wire protocol
/// on 127.0.0.1 so that any client — this library, Confluent.Kafka, kcat, kafka-python — can connect. The default for
/// samples and tests; a real cluster is used by giving its bootstrap servers instead.
/// </summary>
/// <remarks>
/// <para>Create topics with <see cref="CreateTopic"/>: the mock does not implement the Admin API's CreateTopics, and
/// other admin requests can crash it, so never point an admin client at it except for metadata.</para>
/// <para>Each mock partition keeps only about the last 5 MiB of messages, in this process's memory: size partitions so
/// that the data fits, and let a <see cref="CommittedRecordsPurger"/> delete what a consumer group is done with.</para>
/// <para>Dispose every client before the cluster: a consumer closing against a destroyed cluster hangs for ~45 s.</para>
/// <para>What the first cluster of a process changes for the whole process: it sets a native library resolver on
/// this package's assembly (not on Confluent.Kafka's) and loads the librdkafka bundled with Confluent.Kafka, trying
/// the files in Confluent.Kafka's own order (on Linux <c>librdkafka.so</c>, then <c>centos8-librdkafka.so</c>), which
/// stays loaded. The clients keep using whatever librdkafka Confluent.Kafka loads — normally the same file — and
/// reach the cluster over TCP, so two copies would work too.</para>
/// </remarks>
public sealed class EmbeddedKafkaCluster : IDisposable
{
    // Stopped in this order: the cluster, then the handle hosting it (the cluster's handle holds a reference on it).
    private readonly KafkaHandle _host;
    private readonly MockClusterHandle _cluster;

    /// <summary>Starts a cluster of <paramref name="brokers"/> brokers (ids 1..N) on random loopback ports.</summary>
    /// <param name="brokers">Number of brokers. The default value is 3, as in the original setup.</param>
    /// <exception cref="InvalidOperationException">librdkafka could not start the cluster.</exception>
    public EmbeddedKafkaCluster(int brokers = 3)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(brokers, 1);
        BrokerCount = brokers;

        // The private handle only hosts the cluster: keep its logging quiet.
        _host = KafkaHandle.CreateProducer([new("log_level", "3")]);
        try
        {
            _cluster = MockClusterHandle.Create(_host, brokers);
        }
        catch
        {
            _host.Dispose();
            throw;
        }

        BootstrapServers = _cluster.Bootstraps();
        _cluster.SetGroupInitialRebalanceDelay(0); // a group's first join would otherwise wait ~3 s
    }

    /// <summary>The bootstrap servers, e.g. <c>127.0.0.1:41234,127.0.0.1:39871,127.0.0.1:45103</c>.</summary>
    public string BootstrapServers { get; }

    /// <summary>Number of brokers (ids 1 to N).</summary>
    public int BrokerCount { get; }

    /// <summary>Creates a topic.</summary>
    /// <param name="topic">The name, e.g. <see cref="KafkaDefaults.Topic"/>.</param>
    /// <param name="partitions">Number of partitions.</param>
    /// <param name="replicationFactor">Replicas per partition, at most <see cref="BrokerCount"/>.</param>
    public void CreateTopic(string topic, int partitions, int replicationFactor = KafkaDefaults.ReplicationFactor)
    {
        ArgumentException.ThrowIfNullOrEmpty(topic);
        ArgumentOutOfRangeException.ThrowIfLessThan(partitions, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(replicationFactor, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(replicationFactor, BrokerCount);
        Check(Cluster.CreateTopic(topic, partitions, replicationFactor), $"create topic {topic}");
    }

    /// <summary>Makes <paramref name="brokerId"/> the leader of a partition.</summary>
    public void SetPartitionLeader(string topic, int partition, int brokerId) =>
        Check(Cluster.SetPartitionLeader(topic, partition, brokerId), "set partition leader");

    /// <summary>
    /// Deletes the records of a partition before <paramref name="beforeOffset"/>, as Kafka's DeleteRecords does: the
    /// partition's log then starts there, and the memory of the message sets wholly before it is freed.
    /// </summary>
    /// <param name="topic">The topic.</param>
    /// <param name="partition">The partition.</param>
    /// <param name="beforeOffset">The new log start: at most the partition's end offset.</param>
    /// <remarks>
    /// The mock sets the log start to <paramref name="beforeOffset"/> even below the current one, which would announce
    /// offsets it no longer holds: read the low watermark first and only move it forward (as
    /// <see cref="CommittedRecordsPurger"/> does). The Admin API's DeleteRecords request is not answered by the mock.
    /// </remarks>
    /// <exception cref="KafkaException">No such partition, or <paramref name="beforeOffset"/> is beyond its end.</exception>
    public void DeleteRecords(string topic, int partition, long beforeOffset)
    {
        ArgumentException.ThrowIfNullOrEmpty(topic);
        ArgumentOutOfRangeException.ThrowIfNegative(partition);
        ArgumentOutOfRangeException.ThrowIfNegative(beforeOffset);
        Check(Cluster.DeleteRecords(topic, partition, beforeOffset), $"delete records of {topic} [{partition}] before offset {beforeOffset}");
    }

    /// <summary>Takes a broker down: its connections close and new ones are refused. Leadership does not move by itself.</summary>
    public void SetBrokerDown(int brokerId) => Check(Cluster.SetBrokerDown(brokerId), "broker down");

    /// <summary>Brings a broker back up.</summary>
    public void SetBrokerUp(int brokerId) => Check(Cluster.SetBrokerUp(brokerId), "broker up");

    /// <summary>Delays every response of a broker by <paramref name="rttMs"/> milliseconds.</summary>
    public void SetBrokerRoundTrip(int brokerId, int rttMs) => Check(Cluster.SetBrokerRoundTrip(brokerId, rttMs), "broker rtt");

    /// <summary>The next requests of <paramref name="apiKey"/> (to any broker) fail with <paramref name="errors"/>, in order.</summary>
    public void PushRequestErrors(KafkaApiKey apiKey, params ErrorCode[] errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        Cluster.PushRequestErrors((short)apiKey, errors);
    }

    /// <summary>Drops the errors pushed for <paramref name="apiKey"/> that have not been used yet.</summary>
    public void ClearRequestErrors(KafkaApiKey apiKey) => Cluster.ClearRequestErrors((short)apiKey);

    /// <summary>Stops the cluster. Dispose clients first.</summary>
    public void Dispose()
    {
        _cluster.Dispose();
        _host.Dispose();
    }

    private MockClusterHandle Cluster
    {
        get
        {
            ObjectDisposedException.ThrowIf(_cluster.IsClosed, this);
            return _cluster;
        }
    }

    private static void Check(ErrorCode error, string what)
    {
        if (error != ErrorCode.NoError)
        {
            throw new KafkaException(new Error(error, $"embedded cluster: {what} failed"));
        }
    }
}
