using System.Runtime.InteropServices;
using Confluent.Kafka;
using Microsoft.Win32.SafeHandles;

namespace CrimeStreaming.Kafka.Embedded.Native;

/// <summary>
/// An <c>rd_kafka_mock_cluster_t</c>, destroyed with <c>rd_kafka_mock_cluster_destroy</c>. It holds a reference on the
/// <see cref="KafkaHandle"/> that hosts it, so the host's <c>rd_kafka_destroy</c> always runs after the cluster is
/// gone, whatever order the two are disposed or finalized in: the cluster uses its host for its book keeping.
/// </summary>
internal sealed class MockClusterHandle : SafeHandleZeroOrMinusOneIsInvalid
{
    private KafkaHandle? _host;

    private MockClusterHandle()
        : base(ownsHandle: true)
    {
    }

    /// <summary>Starts a mock cluster of <paramref name="brokers"/> brokers hosted by <paramref name="host"/>.</summary>
    /// <exception cref="InvalidOperationException">librdkafka could not start it.</exception>
    public static MockClusterHandle Create(KafkaHandle host, int brokers)
    {
        ArgumentNullException.ThrowIfNull(host);
        var cluster = new MockClusterHandle();
        var added = false;
        try
        {
            host.DangerousAddRef(ref added);
            var mcluster = LibrdkafkaNative.rd_kafka_mock_cluster_new(host, brokers);
            if (mcluster == 0)
            {
                throw new InvalidOperationException("librdkafka could not start the mock cluster.");
            }

            cluster._host = host;
            cluster.SetHandle(mcluster);
            return cluster;
        }
        catch
        {
            if (added)
            {
                host.DangerousRelease();
            }

            throw;
        }
    }

    /// <summary>The brokers' addresses, e.g. <c>127.0.0.1:41234,127.0.0.1:39871</c>.</summary>
    public string Bootstraps() => Marshal.PtrToStringUTF8(LibrdkafkaNative.rd_kafka_mock_cluster_bootstraps(this))!;

    // The mock's own calls. librdkafka's rd_kafka_resp_err_t values are Confluent.Kafka's ErrorCode values.
    public ErrorCode CreateTopic(string topic, int partitions, int replicationFactor) =>
        (ErrorCode)LibrdkafkaNative.rd_kafka_mock_topic_create(this, topic, partitions, replicationFactor);

    public ErrorCode SetPartitionLeader(string topic, int partition, int brokerId) =>
        (ErrorCode)LibrdkafkaNative.rd_kafka_mock_partition_set_leader(this, topic, partition, brokerId);

    public ErrorCode DeleteRecords(string topic, int partition, long beforeOffset) =>
        (ErrorCode)LibrdkafkaNative.rd_kafka_mock_partition_delete_records(this, topic, partition, beforeOffset);

    public ErrorCode SetBrokerDown(int brokerId) => (ErrorCode)LibrdkafkaNative.rd_kafka_mock_broker_set_down(this, brokerId);

    public ErrorCode SetBrokerUp(int brokerId) => (ErrorCode)LibrdkafkaNative.rd_kafka_mock_broker_set_up(this, brokerId);

    public ErrorCode SetBrokerRoundTrip(int brokerId, int rttMs) => (ErrorCode)LibrdkafkaNative.rd_kafka_mock_broker_set_rtt(this, brokerId, rttMs);

    public void PushRequestErrors(short apiKey, ErrorCode[] errors) =>
        LibrdkafkaNative.rd_kafka_mock_push_request_errors_array(this, apiKey, (nuint)errors.Length, Array.ConvertAll(errors, e => (int)e));

    public void ClearRequestErrors(short apiKey) => LibrdkafkaNative.rd_kafka_mock_clear_request_errors(this, apiKey);

    public void SetGroupInitialRebalanceDelay(int delayMs) => LibrdkafkaNative.rd_kafka_mock_group_initial_rebalance_delay_ms(this, delayMs);

    /// <inheritdoc/>
    protected override bool ReleaseHandle()
    {
        LibrdkafkaNative.rd_kafka_mock_cluster_destroy(handle);
        _host?.DangerousRelease(); // the host is destroyed now if it was disposed already, else when it is
        return true;
    }
}
