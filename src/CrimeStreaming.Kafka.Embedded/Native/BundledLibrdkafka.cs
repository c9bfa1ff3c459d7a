using System.Runtime.InteropServices;
using Confluent.Kafka;

namespace CrimeStreaming.Kafka.Embedded.Native;

/// <summary>
/// Loads the librdkafka that ships with Confluent.Kafka (the librdkafka.redist package) once, and makes both
/// Confluent.Kafka and this assembly's P/Invokes bind to that copy.
/// </summary>
/// <remarks>
/// On Debian 12 the bundled <c>librdkafka.so</c> needs <c>libsasl2.so.3</c>, which is often absent; without help .NET
/// then silently falls back to whatever <c>librdkafka.so</c> the system has (an older one, or none). Pinning the
/// bundled files (<c>librdkafka.so</c>, then the dependency-free <c>centos8-librdkafka.so</c>) avoids both.
/// <c>Library.Load(path)</c> is not used: it needs <c>libdl</c>, which Debian 12 lacks.
/// </remarks>
internal static class BundledLibrdkafka
{
    private static readonly object Gate = new();
    private static nint _handle;

    public static string? LoadedPath { get; private set; }

    public static void EnsureLoaded()
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
                if (File.Exists(candidate) && NativeLibrary.TryLoad(candidate, out var handle))
                {
                    _handle = handle;
                    LoadedPath = candidate;
                    break;
                }
            }

            if (_handle == 0)
            {
                throw new DllNotFoundException("The librdkafka bundled with Confluent.Kafka could not be loaded; tried: " + string.Join(", ", tried));
            }

            DllImportResolver resolver = (name, _, _) => name.Contains("rdkafka", StringComparison.Ordinal) ? _handle : 0;
            try
            {
                NativeLibrary.SetDllImportResolver(typeof(Library).Assembly, resolver);
            }
            catch (InvalidOperationException)
            {
                // Someone set a resolver for Confluent.Kafka already; the version check below tells if it agrees.
            }

            NativeLibrary.SetDllImportResolver(typeof(BundledLibrdkafka).Assembly, resolver);
            var ours = MockNative.rd_kafka_version();
            var theirs = Library.Version;
            if (ours != theirs)
            {
                throw new InvalidOperationException(
                    $"Confluent.Kafka already bound librdkafka 0x{theirs:x}, the bundled one is 0x{ours:x}: create the embedded cluster before any Kafka client.");
            }
        }
    }

    private static IEnumerable<string> Candidates()
    {
        var rid = RuntimeInformation.ProcessArchitecture == Architecture.Arm64 ? "linux-arm64" : "linux-x64";
        var names = OperatingSystem.IsWindows() ? new[] { "librdkafka.dll" } : OperatingSystem.IsMacOS() ? ["librdkafka.dylib"] : ["librdkafka.so", "centos8-librdkafka.so"];
        if (OperatingSystem.IsWindows())
        {
            rid = RuntimeInformation.ProcessArchitecture == Architecture.Arm64 ? "win-arm64" : "win-x64";
        }
        else if (OperatingSystem.IsMacOS())
        {
            rid = RuntimeInformation.ProcessArchitecture == Architecture.Arm64 ? "osx-arm64" : "osx-x64";
        }

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
            foreach (var version in Directory.GetDirectories(redist).OrderByDescending(d => d, StringComparer.Ordinal))
            {
                dirs.Add(Path.Combine(version, "runtimes", rid, "native"));
            }
        }

        foreach (var dir in dirs)
        {
            foreach (var name in names)
            {
                yield return Path.Combine(dir, name);
            }
        }
    }
}
