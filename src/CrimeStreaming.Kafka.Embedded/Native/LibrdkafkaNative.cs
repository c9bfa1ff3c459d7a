using System.Runtime.InteropServices;

namespace CrimeStreaming.Kafka.Embedded.Native;

/// <summary>
/// The librdkafka functions the embedded cluster calls (rdkafka.h and rdkafka_mock.h, librdkafka 2.16). Handles are
/// <see cref="SafeHandle"/>s, so a call in progress keeps its handle alive against a concurrent dispose.
/// </summary>
/// <remarks><see cref="LibrdkafkaResolver"/> binds <see cref="Library"/> to a file; <see cref="KafkaHandle.CreateProducer"/> registers it before the first call.</remarks>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Style", "IDE1006", Justification = "Native names.")]
internal static partial class LibrdkafkaNative
{
    internal const string Library = "librdkafka";

    internal const int RD_KAFKA_PRODUCER = 0;
    internal const int RD_KAFKA_CONF_OK = 0;

    [LibraryImport(Library)] internal static partial int rd_kafka_version();
    [LibraryImport(Library)] internal static partial nint rd_kafka_conf_new();
    [LibraryImport(Library)] internal static partial void rd_kafka_conf_destroy(nint conf);
    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)] internal static partial int rd_kafka_conf_set(nint conf, string name, string value, [Out] byte[] errstr, nuint errstrSize);

    // On success the new handle owns conf; on failure conf is still the caller's.
    [LibraryImport(Library)] internal static partial nint rd_kafka_new(int type, nint conf, [Out] byte[] errstr, nuint errstrSize);
    [LibraryImport(Library)] internal static partial void rd_kafka_destroy(nint rk);

    [LibraryImport(Library)] internal static partial nint rd_kafka_mock_cluster_new(KafkaHandle rk, int brokerCount);
    [LibraryImport(Library)] internal static partial void rd_kafka_mock_cluster_destroy(nint mcluster);

    // The string belongs to the cluster: read it, never free it.
    [LibraryImport(Library)] internal static partial nint rd_kafka_mock_cluster_bootstraps(MockClusterHandle mcluster);
    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)] internal static partial int rd_kafka_mock_topic_create(MockClusterHandle mcluster, string topic, int partitionCount, int replicationFactor);
    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)] internal static partial int rd_kafka_mock_partition_set_leader(MockClusterHandle mcluster, string topic, int partition, int brokerId);
    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)] internal static partial int rd_kafka_mock_partition_delete_records(MockClusterHandle mcluster, string topic, int partition, long beforeOffset);
    [LibraryImport(Library)] internal static partial int rd_kafka_mock_broker_set_down(MockClusterHandle mcluster, int brokerId);
    [LibraryImport(Library)] internal static partial int rd_kafka_mock_broker_set_up(MockClusterHandle mcluster, int brokerId);
    [LibraryImport(Library)] internal static partial int rd_kafka_mock_broker_set_rtt(MockClusterHandle mcluster, int brokerId, int rttMs);
    [LibraryImport(Library)] internal static partial void rd_kafka_mock_push_request_errors_array(MockClusterHandle mcluster, short apiKey, nuint count, int[] errors);
    [LibraryImport(Library)] internal static partial void rd_kafka_mock_clear_request_errors(MockClusterHandle mcluster, short apiKey);
    [LibraryImport(Library)] internal static partial void rd_kafka_mock_group_initial_rebalance_delay_ms(MockClusterHandle mcluster, int delayMs);
}
