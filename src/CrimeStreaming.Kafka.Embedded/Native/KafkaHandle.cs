using System.Text;
using Microsoft.Win32.SafeHandles;

namespace CrimeStreaming.Kafka.Embedded.Native;

/// <summary>An <c>rd_kafka_t</c> of the embedded cluster's own (not a Confluent.Kafka client's), destroyed with <c>rd_kafka_destroy</c>.</summary>
internal sealed class KafkaHandle : SafeHandleZeroOrMinusOneIsInvalid
{
    private KafkaHandle()
        : base(ownsHandle: true)
    {
    }

    /// <summary>Creates a producer handle with <paramref name="config"/> (librdkafka property names).</summary>
    /// <exception cref="InvalidOperationException">librdkafka refused a property or the handle.</exception>
    public static KafkaHandle CreateProducer(IEnumerable<KeyValuePair<string, string>> config)
    {
        LibrdkafkaResolver.Register();
        var error = new byte[512];
        var conf = LibrdkafkaNative.rd_kafka_conf_new();
        nint rk;
        try
        {
            foreach (var (name, value) in config)
            {
                if (LibrdkafkaNative.rd_kafka_conf_set(conf, name, value, error, (nuint)error.Length) != LibrdkafkaNative.RD_KAFKA_CONF_OK)
                {
                    throw new InvalidOperationException($"librdkafka refused {name}={value}: {Message(error)}");
                }
            }

            rk = LibrdkafkaNative.rd_kafka_new(LibrdkafkaNative.RD_KAFKA_PRODUCER, conf, error, (nuint)error.Length);
            if (rk == 0)
            {
                throw new InvalidOperationException("librdkafka refused the handle: " + Message(error));
            }
        }
        catch
        {
            LibrdkafkaNative.rd_kafka_conf_destroy(conf); // still ours: rd_kafka_new takes it only on success
            throw;
        }

        var handle = new KafkaHandle();
        handle.SetHandle(rk);
        return handle;
    }

    /// <inheritdoc/>
    protected override bool ReleaseHandle()
    {
        LibrdkafkaNative.rd_kafka_destroy(handle);
        return true;
    }

    private static string Message(byte[] error) => Encoding.UTF8.GetString(error).TrimEnd('\0');
}
