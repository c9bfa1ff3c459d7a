using System.Reflection;
using System.Runtime.InteropServices;

namespace CrimeStreaming.Kafka.Embedded.Native;

/// <summary>
/// Binds this assembly's imports of <see cref="LibrdkafkaNative.Library"/> to the librdkafka that Confluent.Kafka
/// bundles (the librdkafka.redist package), trying the files in the order Confluent.Kafka itself does.
/// </summary>
/// <remarks>
/// <para>A plain import would try only <c>librdkafka</c>. On Debian 12 the bundled <c>librdkafka.so</c> needs
/// <c>libsasl2.so.3</c>, which is often absent; Confluent.Kafka then falls back to its dependency-free
/// <c>centos8-librdkafka.so</c>, and so does this resolver, so the cluster and the clients normally share one copy.
/// They would work with two copies too: the clients reach the cluster over TCP.</para>
/// <para>The resolver is set on this assembly only, never on Confluent.Kafka's: which librdkafka the Kafka clients
/// use stays Confluent.Kafka's choice (and the application's, through its own resolver).</para>
/// </remarks>
internal static class LibrdkafkaResolver
{
    private static readonly object Gate = new();
    private static bool _registered;
    private static nint _handle;

    // Confluent.Kafka 2.16's order on Linux: the full build, then the dependency-free glibc one (with libsasl2.so.3
    // present both load librdkafka.so, without it both centos8-librdkafka.so); on Alpine only the musl build loads.
    private static readonly string[] Candidates = OperatingSystem.IsLinux()
        ? [LibrdkafkaNative.Library, "centos8-librdkafka", "alpine-librdkafka"]
        : [LibrdkafkaNative.Library];

    /// <summary>Registers the resolver, once per process; call before the first import is used.</summary>
    public static void Register()
    {
        lock (Gate)
        {
            if (!_registered)
            {
                NativeLibrary.SetDllImportResolver(typeof(LibrdkafkaResolver).Assembly, Resolve);
                _registered = true;
            }
        }
    }

    private static nint Resolve(string libraryName, Assembly assembly, DllImportSearchPath? searchPath)
    {
        if (libraryName != LibrdkafkaNative.Library)
        {
            return 0;
        }

        lock (Gate)
        {
            // The same search as an import (the app's native asset folders from its .deps.json, then the system's),
            // one name at a time. The library stays loaded for the life of the process, as with any import.
            if (_handle == 0)
            {
                foreach (var candidate in Candidates)
                {
                    if (NativeLibrary.TryLoad(candidate, assembly, searchPath, out _handle))
                    {
                        break;
                    }
                }
            }

            return _handle; // 0: the runtime's own search then fails, naming each file it tried and why
        }
    }
}
