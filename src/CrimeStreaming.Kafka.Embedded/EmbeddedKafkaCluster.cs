using System.Runtime.InteropServices;
using System.Text;
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
/// <para>Each mock partition keeps only about the last 5 MiB of messages: size partitions so that the data fits.</para>
/// <para>Dispose every client before the cluster: a consumer closing against a destroyed cluster hangs for ~45 s.</para>
/// </remarks>
public sealed class EmbeddedKafkaCluster : IDisposable
{
    private readonly object _gate = new();
    private nint _handle;
    private nint _cluster;

    /// <summary>Starts a cluster of <paramref name="brokers"/> brokers (ids 1..N) on random loopback ports.</summary>
    /// <param name="brokers">Number of brokers. The default value is 3, as in the original setup.</param>
    public EmbeddedKafkaCluster(int brokers = 3)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(brokers, 1);
        BundledLibrdkafka.EnsureLoaded();
        BrokerCount = brokers;
        var error = new byte[512];
        var conf = MockNative.rd_kafka_conf_new();
        // The private handle only hosts the cluster: keep its logging quiet.
        MockNative.rd_kafka_conf_set(conf, "log_level", "3", error, (nuint)error.Length);
        _handle = MockNative.rd_kafka_new(0, conf, error, (nuint)error.Length);
        if (_handle == 0)
        {
            throw new InvalidOperationException("Starting the embedded Kafka cluster failed: " + Encoding.UTF8.GetString(error).TrimEnd('\0'));
        }

        _cluster = MockNative.rd_kafka_mock_cluster_new(_handle, brokers);
        if (_cluster == 0)
        {
            MockNative.rd_kafka_destroy(_handle);
            _handle = 0;
            throw new InvalidOperationException("Starting the embedded Kafka cluster failed.");
        }

        BootstrapServers = Marshal.PtrToStringUTF8(MockNative.rd_kafka_mock_cluster_bootstraps(_cluster))!;
        MockNative.rd_kafka_mock_group_initial_rebalance_delay_ms(_cluster, 0);
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
        Check(MockNative.rd_kafka_mock_topic_create(Cluster, topic, partitions, replicationFactor), $"create topic {topic}");
    }

    /// <summary>Makes <paramref name="brokerId"/> the leader of a partition.</summary>
    public void SetPartitionLeader(string topic, int partition, int brokerId) =>
        Check(MockNative.rd_kafka_mock_partition_set_leader(Cluster, topic, partition, brokerId), "set partition leader");

    /// <summary>Takes a broker down: its connections close and new ones are refused. Leadership does not move by itself.</summary>
    public void SetBrokerDown(int brokerId) => Check(MockNative.rd_kafka_mock_broker_set_down(Cluster, brokerId), "broker down");

    /// <summary>Brings a broker back up.</summary>
    public void SetBrokerUp(int brokerId) => Check(MockNative.rd_kafka_mock_broker_set_up(Cluster, brokerId), "broker up");

    /// <summary>Delays every response of a broker by <paramref name="rttMs"/> milliseconds.</summary>
    public void SetBrokerRoundTrip(int brokerId, int rttMs) => Check(MockNative.rd_kafka_mock_broker_set_rtt(Cluster, brokerId, rttMs), "broker rtt");

    /// <summary>The next requests of <paramref name="apiKey"/> (to any broker) fail with <paramref name="errors"/>, in order.</summary>
    public void PushRequestErrors(KafkaApiKey apiKey, params ErrorCode[] errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        MockNative.rd_kafka_mock_push_request_errors_array(Cluster, (short)apiKey, (nuint)errors.Length, Array.ConvertAll(errors, e => (int)e));
    }

    /// <summary>Drops the errors pushed for <paramref name="apiKey"/> that have not been used yet.</summary>
    public void ClearRequestErrors(KafkaApiKey apiKey) => MockNative.rd_kafka_mock_clear_request_errors(Cluster, (short)apiKey);

    /// <summary>Stops the cluster. Dispose clients first.</summary>
    public void Dispose()
    {
        lock (_gate)
        {
            // The cluster uses the handle for its book keeping: destroy it first.
            if (_cluster != 0)
            {
                MockNative.rd_kafka_mock_cluster_destroy(_cluster);
                _cluster = 0;
            }

            if (_handle != 0)
            {
                MockNative.rd_kafka_destroy(_handle);
                _handle = 0;
            }
        }
    }

    private nint Cluster => _cluster != 0 ? _cluster : throw new ObjectDisposedException(nameof(EmbeddedKafkaCluster));

    private static void Check(int error, string what)
    {
        if (error != 0)
        {
            throw new KafkaException(new Error((ErrorCode)error, $"embedded cluster: {what} failed"));
        }
    }
}
