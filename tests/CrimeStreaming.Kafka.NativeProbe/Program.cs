using System.Reflection;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Confluent.Kafka;
using CrimeStreaming;
using CrimeStreaming.Csv;
using CrimeStreaming.Kafka;

// Replays a CSV through KafkaCrimeSink in a fresh process, then reports what that did to the process: which
// librdkafka is loaded, and whether a native library resolver is set on Confluent.Kafka's assembly and on the
// embedded package's. Usage: CrimeStreaming.Kafka.NativeProbe <csv> (<bootstrap servers> | --embedded)
// With bootstrap servers only the adapter is used (the embedded package's assembly is never loaded); with
// --embedded the probe starts its own EmbeddedKafkaCluster first.
if (args.Length != 2)
{
    Console.Error.WriteLine("usage: CrimeStreaming.Kafka.NativeProbe <csv> (<bootstrap servers> | --embedded)");
    return 2;
}

var csv = args[0];
var delivered = args[1] == "--embedded" ? await Embedded.ReplayAsync(csv) : await Adapter.ReplayAsync(csv, args[1]);
var embedded = AppDomain.CurrentDomain.GetAssemblies().FirstOrDefault(a => a.GetName().Name == "CrimeStreaming.Kafka.Embedded");

Console.WriteLine($"delivered={delivered}");
Console.WriteLine($"librdkafka={Library.VersionString}");
Console.WriteLine($"files={string.Join(',', MappedLibrdkafkaFiles())}");
Console.WriteLine($"embedded-assembly-loaded={embedded is not null}");
Console.WriteLine($"confluent-resolver-free={ResolverFree(typeof(Library).Assembly)}");
if (embedded is not null)
{
    Console.WriteLine($"embedded-resolver-free={ResolverFree(embedded)}");
}

return 0;

// Only one resolver may be set per assembly: setting one succeeds exactly when nobody set one before. The one set
// here declines every library, so nothing changes for the few calls left.
static bool ResolverFree(Assembly assembly)
{
    try
    {
        NativeLibrary.SetDllImportResolver(assembly, (_, _, _) => 0);
        return true;
    }
    catch (InvalidOperationException)
    {
        return false;
    }
}

// The librdkafka files mapped into this process (Linux); "n/a" elsewhere.
static IEnumerable<string> MappedLibrdkafkaFiles() =>
    !File.Exists("/proc/self/maps")
        ? ["n/a"]
        : File.ReadLines("/proc/self/maps")
            .Select(l => l.Split(' ', 6, StringSplitOptions.RemoveEmptyEntries))
            .Where(f => f.Length == 6 && f[5].Contains("rdkafka", StringComparison.Ordinal))
            .Select(f => f[5].Trim())
            .Distinct()
            .Order(StringComparer.Ordinal);

internal static class Adapter
{
    public static async Task<long> ReplayAsync(string csv, string bootstrapServers)
    {
        var streamer = new BasicCrimeStreamer(new CsvCrimeRecordSource(csv), new CrimeStreamerOptions { Seed = 1, AsFastAsPossible = true });
        using var sink = new KafkaCrimeSink(new KafkaCrimeSinkOptions { BootstrapServers = bootstrapServers });
        await streamer.RunAsync(sink); // completes the sink: every delivery is settled
        return sink.Summary.Delivered;
    }
}

// Apart, and never inlined, so that the adapter-only run does not even load the embedded package's assembly.
internal static class Embedded
{
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static async Task<long> ReplayAsync(string csv)
    {
        using var cluster = new CrimeStreaming.Kafka.Embedded.EmbeddedKafkaCluster();
        cluster.CreateTopic(KafkaDefaults.Topic, 3);
        return await Adapter.ReplayAsync(csv, cluster.BootstrapServers);
    }
}
