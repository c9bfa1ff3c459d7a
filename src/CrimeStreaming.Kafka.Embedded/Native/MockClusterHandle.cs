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

    /// <inheritdoc/>
    protected override bool ReleaseHandle()
    {
        LibrdkafkaNative.rd_kafka_mock_cluster_destroy(handle);
        _host?.DangerousRelease(); // the host is destroyed now if it was disposed already, else when it is
        return true;
    }
}
