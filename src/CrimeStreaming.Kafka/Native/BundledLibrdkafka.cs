using System.Runtime.InteropServices;
using Confluent.Kafka;

namespace CrimeStreaming.Kafka.Native;

/// <summary>
/// Loads the librdkafka bundled with Confluent.Kafka exactly once and binds both Confluent.Kafka's and our
/// P/Invokes to that copy. Must run before the first Kafka client is created.
/// </summary>
/// <remarks>
/// On Debian 12 the default <c>librdkafka.so</c> needs <c>libsasl2.so.3</c>, which is absent; without a resolver
/// .NET silently falls back to whatever <c>librdkafka.so</c> the system has (possibly an old one without the
/// mock cluster). <c>Library.Load</c> is not used because it needs <c>libdl</c>, missing on Debian 12.
/// </remarks>
internal static class BundledLibrdkafka
{
    private static readonly object Gate = new();
    private static nint _handle;

    /// <summary>The file that was loaded, once loaded.</summary>
    internal static string? LoadedPath { get; private set; }

    internal static void EnsureLoaded()
    {
        lock (Gate)
        {
            if (_handle != 0)
            {
                return;
            }

            var tried = new List<string>();
            foreach (var candidate in Candidates())
            {
                tried.Add(candidate);
                if (File.Exists(candidate) && NativeLibrary.TryLoad(candidate, out var h))
                {
                    _handle = h;
                    LoadedPath = candidate;
                    break;
                }
            }

            if (_handle == 0)
            {
                throw new DllNotFoundException("The bundled librdkafka was not found or could not be loaded; tried: " + string.Join(", ", tried));
            }

            var handle = _handle;
            DllImportResolver resolver = (name, _, _) => name.Contains("rdkafka", StringComparison.Ordinal) ? handle : 0;
            TrySetResolver(typeof(Library).Assembly, resolver);
            TrySetResolver(typeof(BundledLibrdkafka).Assembly, resolver);

            var ours = MockNative.rd_kafka_version();
            var theirs = Library.Version;
            if (ours != theirs)
            {
                throw new InvalidOperationException(
                    $"Confluent.Kafka already bound librdkafka 0x{theirs:x} but the bundled one is 0x{ours:x}: create the embedded cluster before any Kafka client.");
            }
        }
    }

    private static void TrySetResolver(System.Reflection.Assembly assembly, DllImportResolver resolver)
    {
        try
        {
            NativeLibrary.SetDllImportResolver(assembly, resolver);
        }
        catch (InvalidOperationException)
        {
            // Another component (or an earlier load context) already set one; the version check below decides.
        }
    }

    private static IEnumerable<string> Candidates()
    {
        var rid = RuntimeInformation.ProcessArchitecture == Architecture.Arm64 ? "linux-arm64" : "linux-x64";
        var dirs = new List<string>
        {
            Path.Combine(AppContext.BaseDirectory, "runtimes", rid, "native"),
            AppContext.BaseDirectory,
        };
        var confluentDir = Path.GetDirectoryName(typeof(Library).Assembly.Location);
        if (!string.IsNullOrEmpty(confluentDir))
        {
            dirs.Add(Path.Combine(confluentDir, "runtimes", rid, "native"));
        }

        var nugetRoot = Environment.GetEnvironmentVariable("NUGET_PACKAGES")
                        ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        var redist = Path.Combine(nugetRoot, "librdkafka.redist");
        if (Directory.Exists(redist))
        {
            // Prefer the version Confluent.Kafka was built against, then the newest.
            var wanted = Path.Combine(redist, typeof(Library).Assembly.GetName().Version is { } v ? $"{v.Major}.{v.Minor}.{v.Build}" : "none");
            dirs.Add(Path.Combine(wanted, "runtimes", rid, "native"));
            foreach (var d in Directory.GetDirectories(redist).OrderByDescending(d => d, StringComparer.Ordinal))
            {
                dirs.Add(Path.Combine(d, "runtimes", rid, "native"));
            }
        }

        foreach (var d in dirs)
        {
            yield return Path.Combine(d, "librdkafka.so");
            yield return Path.Combine(d, "centos8-librdkafka.so");
        }
    }
}
