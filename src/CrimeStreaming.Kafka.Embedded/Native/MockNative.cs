using System.Runtime.InteropServices;

namespace CrimeStreaming.Kafka.Embedded.Native;

/// <summary>P/Invoke signatures of librdkafka's mock cluster (rdkafka_mock.h, librdkafka 2.16).</summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Style", "IDE1006", Justification = "Native names.")]
internal static class MockNative
{
    private const string Lib = "librdkafka"; // resolved to the bundled copy by BundledLibrdkafka

#pragma warning disable SYSLIB1054 // DllImport keeps the signatures simple; none is on a hot path.
#pragma warning disable CA2101
    [DllImport(Lib)] internal static extern int rd_kafka_version();
    [DllImport(Lib)] internal static extern nint rd_kafka_conf_new();
    [DllImport(Lib)] internal static extern int rd_kafka_conf_set(nint conf, string name, string value, byte[] errstr, nuint errstrSize);
    [DllImport(Lib)] internal static extern nint rd_kafka_new(int type, nint conf, byte[] errstr, nuint errstrSize);
    [DllImport(Lib)] internal static extern void rd_kafka_destroy(nint rk);
    [DllImport(Lib)] internal static extern nint rd_kafka_mock_cluster_new(nint rk, int brokerCount);
    [DllImport(Lib)] internal static extern void rd_kafka_mock_cluster_destroy(nint mcluster);
    [DllImport(Lib)] internal static extern nint rd_kafka_mock_cluster_bootstraps(nint mcluster);
    [DllImport(Lib)] internal static extern int rd_kafka_mock_topic_create(nint mcluster, string topic, int partitionCount, int replicationFactor);
    [DllImport(Lib)] internal static extern int rd_kafka_mock_partition_set_leader(nint mcluster, string topic, int partition, int brokerId);
    [DllImport(Lib)] internal static extern int rd_kafka_mock_broker_set_down(nint mcluster, int brokerId);
    [DllImport(Lib)] internal static extern int rd_kafka_mock_broker_set_up(nint mcluster, int brokerId);
    [DllImport(Lib)] internal static extern int rd_kafka_mock_broker_set_rtt(nint mcluster, int brokerId, int rttMs);
    [DllImport(Lib)] internal static extern void rd_kafka_mock_push_request_errors_array(nint mcluster, short apiKey, nuint count, int[] errors);
    [DllImport(Lib)] internal static extern void rd_kafka_mock_clear_request_errors(nint mcluster, short apiKey);
    [DllImport(Lib)] internal static extern void rd_kafka_mock_group_initial_rebalance_delay_ms(nint mcluster, int delayMs);
#pragma warning restore CA2101
#pragma warning restore SYSLIB1054
}
