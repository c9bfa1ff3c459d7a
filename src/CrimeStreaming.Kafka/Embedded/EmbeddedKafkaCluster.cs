using System.Runtime.InteropServices;
using System.Text;
using Confluent.Kafka;
using CrimeStreaming.Kafka.Native;

namespace CrimeStreaming.Kafka.Embedded;

/// <summary>
/// An in-process Kafka cluster for samples and tests: librdkafka's mock cluster, whose brokers (ids 1..N)
/// listen on 127.0.0.1 at random ports and speak the real Kafka wire protocol, so any client in any process
/// (Confluent.Kafka, kcat…) can connect through <see cref="BootstrapServers"/>.
/// </summary>
/// <remarks>
/// <para>Create the cluster before any other Kafka client in the process: it pins the librdkafka bundled with
/// Confluent.Kafka so that every client uses the same native library.</para>
/// <para>Create topics with <see cref="CreateTopic"/>: the Admin API does not work against the mock cluster.
/// Each partition keeps only about the last 5 MiB of data. Dispose every client that uses the cluster before
/// disposing the cluster, otherwise closing consumers waits for their timeouts.</para>
/// </remarks>
public sealed class EmbeddedKafkaCluster : IDisposable
{
    /// <summary>The default number of brokers: 3, as in the original cluster.</summary>
    public const int DefaultBrokerCount = 3;

    private readonly object _gate = new();
    private nint _rk;
    private nint _mc;

    /// <summary>Starts a cluster of <paramref name="brokerCount"/> brokers.</summary>
    /// <param name="brokerCount">The number of brokers, at least 1. The default value is 3.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="brokerCount"/> is less than 1.</exception>
    /// <exception cref="InvalidOperationException">The native cluster could not be started.</exception>
    public EmbeddedKafkaCluster(int brokerCount = DefaultBrokerCount)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(brokerCount, 1);
        BundledLibrdkafka.EnsureLoaded();
        BrokerCount = brokerCount;

        var err = new byte[512];
        var conf = MockNative.rd_kafka_conf_new();
        // The private handle only hosts the cluster; keep it quiet.
        _ = MockNative.rd_kafka_conf_set(conf, "log_level", "3", err, (nuint)err.Length);
        _rk = MockNative.rd_kafka_new(0, conf, err, (nuint)err.Length); // takes ownership of conf
        if (_rk == 0)
        {
            throw new InvalidOperationException("rd_kafka_new failed: " + Encoding.UTF8.GetString(err).TrimEnd('\0'));
        }

        _mc = MockNative.rd_kafka_mock_cluster_new(_rk, brokerCount);
        if (_mc == 0)
        {
            MockNative.rd_kafka_destroy(_rk);
            _rk = 0;
            throw new InvalidOperationException("rd_kafka_mock_cluster_new failed.");
        }

        BootstrapServers = Marshal.PtrToStringUTF8(MockNative.rd_kafka_mock_cluster_bootstraps(_mc))!;
        // The default 3 s initial rebalance delay would slow down every consumer group join.
        MockNative.rd_kafka_mock_group_initial_rebalance_delay_ms(_mc, 0);
    }

    /// <summary>The brokers' addresses, <c>127.0.0.1:port,…</c>, for <c>bootstrap.servers</c>.</summary>
    public string BootstrapServers { get; }

    /// <summary>The number of brokers; their ids are 1 to <see cref="BrokerCount"/>.</summary>
    public int BrokerCount { get; }

    /// <summary>The librdkafka version in use, e.g. <c>2.16.0</c>.</summary>
    public static string LibrdkafkaVersion
    {
        get
        {
            BundledLibrdkafka.EnsureLoaded();
            return Library.VersionString;
        }
    }

    /// <summary>Creates a topic.</summary>
    /// <param name="name">The topic name.</param>
    /// <param name="partitions">The number of partitions, at least 1.</param>
    /// <param name="replicationFactor">The replication factor, from 1 to <see cref="BrokerCount"/>.</param>
    /// <exception cref="KafkaException">The cluster refused the topic.</exception>
    public void CreateTopic(string name, int partitions, int replicationFactor = KafkaDefaults.ReplicationFactor)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentOutOfRangeException.ThrowIfLessThan(partitions, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(replicationFactor, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(replicationFactor, BrokerCount);
        Invoke(mc => MockNative.rd_kafka_mock_topic_create(mc, name, partitions, replicationFactor), $"create topic {name}");
    }

    /// <summary>Makes <paramref name="brokerId"/> the leader of a partition (clients learn it through metadata).</summary>
    /// <param name="topic">The topic.</param>
    /// <param name="partition">The partition.</param>
    /// <param name="brokerId">The new leader, 1 to <see cref="BrokerCount"/>.</param>
    public void SetPartitionLeader(string topic, int partition, int brokerId)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(topic);
        CheckBroker(brokerId);
        Invoke(mc => MockNative.rd_kafka_mock_partition_set_leader(mc, topic, partition, brokerId), "set partition leader");
    }

    /// <summary>Takes a broker down: its connections are closed and new ones refused. Leadership does not move.</summary>
    /// <param name="brokerId">The broker, 1 to <see cref="BrokerCount"/>.</param>
    public void SetBrokerDown(int brokerId)
    {
        CheckBroker(brokerId);
        Invoke(mc => MockNative.rd_kafka_mock_broker_set_down(mc, brokerId), "set broker down");
    }

    /// <summary>Brings a broker taken down by <see cref="SetBrokerDown"/> back up.</summary>
    /// <param name="brokerId">The broker, 1 to <see cref="BrokerCount"/>.</param>
    public void SetBrokerUp(int brokerId)
    {
        CheckBroker(brokerId);
        Invoke(mc => MockNative.rd_kafka_mock_broker_set_up(mc, brokerId), "set broker up");
    }

    /// <summary>Delays every response of a broker by a round-trip time.</summary>
    /// <param name="brokerId">The broker, 1 to <see cref="BrokerCount"/>.</param>
    /// <param name="roundTripTime">The added delay; zero removes it.</param>
    public void SetBrokerRoundTripTime(int brokerId, TimeSpan roundTripTime)
    {
        CheckBroker(brokerId);
        ArgumentOutOfRangeException.ThrowIfLessThan(roundTripTime, TimeSpan.Zero);
        var ms = (int)Math.Min(int.MaxValue, roundTripTime.TotalMilliseconds);
        Invoke(mc => MockNative.rd_kafka_mock_broker_set_rtt(mc, brokerId, ms), "set broker rtt");
    }

    /// <summary>Makes the next <paramref name="errors"/>.Length requests of one type (to any broker) fail, in order.</summary>
    /// <param name="apiKey">The request type.</param>
    /// <param name="errors">The errors to return; <see cref="ErrorCode.NoError"/> lets a request through.</param>
    /// <remarks>
    /// Retriable errors (e.g. <see cref="ErrorCode.NotEnoughReplicas"/>) are retried by clients; non-retriable
    /// ones (e.g. <see cref="ErrorCode.InvalidRecord"/> on Produce) fail the affected batch.
    /// </remarks>
    public void PushRequestErrors(KafkaApiKey apiKey, params ErrorCode[] errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        var codes = Array.ConvertAll(errors, e => (int)e);
        Invoke(mc =>
        {
            MockNative.rd_kafka_mock_push_request_errors_array(mc, (short)apiKey, (nuint)codes.Length, codes);
            return 0;
        }, "push request errors");
    }

    /// <summary>Removes request errors pushed for one request type and not yet returned.</summary>
    /// <param name="apiKey">The request type.</param>
    public void ClearRequestErrors(KafkaApiKey apiKey)
        => Invoke(mc =>
        {
            MockNative.rd_kafka_mock_clear_request_errors(mc, (short)apiKey);
            return 0;
        }, "clear request errors");

    /// <summary>Stops the brokers and releases the native cluster. Dispose the clients first.</summary>
    public void Dispose()
    {
        lock (_gate)
        {
            // The cluster uses the private handle for book keeping: destroy it first, then the handle.
            if (_mc != 0)
            {
                MockNative.rd_kafka_mock_cluster_destroy(_mc);
                _mc = 0;
            }

            if (_rk != 0)
            {
                MockNative.rd_kafka_destroy(_rk);
                _rk = 0;
            }
        }
    }

    private void CheckBroker(int brokerId)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(brokerId, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(brokerId, BrokerCount);
    }

    private void Invoke(Func<nint, int> call, string what)
    {
        int err;
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_mc == 0, this);
            err = call(_mc);
        }

        if (err != 0)
        {
            throw new KafkaException(new Error((ErrorCode)err, what));
        }
    }
}
