using System.Globalization;
using System.Text.RegularExpressions;

namespace CrimeStreaming.Benchmarks;

/// <summary>
/// The CPU time this process' threads spent during a measured run, grouped by thread name (Linux: <c>/proc/self/task</c>),
/// so a run's line says where its CPU went: the replay, librdkafka's broker threads, the mock brokers, the collector.
/// </summary>
/// <remarks>Threads are sampled every 50 ms, so one that ends before <see cref="Stop"/> misses at most its last 50 ms; numbers in
/// names are folded (<c>rdk:broker#</c>).</remarks>
public sealed partial class ThreadCpu
{
    // /proc counts CPU time in clock ticks of USER_HZ, 100 a second on Linux.
    private const double TicksPerSecond = 100;

    private readonly Dictionary<int, (string Name, long Ticks)> _before = Snapshot();
    private readonly Dictionary<int, (string Name, long Ticks)> _latest = [];
    private readonly Timer _sampler;

    private ThreadCpu()
    {
        // Sampled every 50 ms as well: a thread that ends before Stop (an analyser done with its partitions) still counts.
        _sampler = new Timer(_ => Sample(), null, 50, 50);
    }

    /// <summary>Starts measuring now.</summary>
    public static ThreadCpu Start() => new();

    /// <summary>The CPU seconds per thread group since <see cref="Start"/>, largest first, e.g. <c>rdk:broker# 1.20 s</c>.</summary>
    public string Stop(int top = 8)
    {
        _sampler.Dispose();
        Sample();
        Dictionary<int, (string Name, long Ticks)> after;
        lock (_latest)
        {
            after = new Dictionary<int, (string Name, long Ticks)>(_latest);
        }

        var groups = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var (tid, (name, ticks)) in after)
        {
            var delta = ticks - (_before.TryGetValue(tid, out var b) && b.Name == name ? b.Ticks : 0);
            var group = Digits().Replace(name, "#");
            groups[group] = groups.GetValueOrDefault(group) + delta;
        }

        var total = groups.Values.Sum();
        var parts = groups.Where(g => g.Value > 0).OrderByDescending(g => g.Value).Take(top)
            .Select(g => string.Create(CultureInfo.InvariantCulture, $"{g.Key} {g.Value / TicksPerSecond:0.00}"));
        return string.Create(CultureInfo.InvariantCulture, $"threads' CPU {total / TicksPerSecond:0.00} s: {string.Join(", ", parts)}");
    }

    private void Sample()
    {
        var now = Snapshot();
        lock (_latest)
        {
            foreach (var (tid, value) in now)
            {
                _latest[tid] = value;
            }
        }
    }

    [GeneratedRegex("[0-9]+")]
    private static partial Regex Digits();

    private static Dictionary<int, (string Name, long Ticks)> Snapshot()
    {
        var result = new Dictionary<int, (string, long)>();
        try
        {
            foreach (var dir in Directory.EnumerateDirectories("/proc/self/task"))
            {
                try
                {
                    var tid = int.Parse(Path.GetFileName(dir), CultureInfo.InvariantCulture);
                    var stat = File.ReadAllText(Path.Combine(dir, "stat"));
                    var open = stat.IndexOf('(', StringComparison.Ordinal);
                    var close = stat.LastIndexOf(')');
                    var name = stat[(open + 1)..close];
                    var fields = stat[(close + 2)..].Split(' ');

                    // After the name: state is field 3; utime and stime are fields 14 and 15 (1-based over the whole line).
                    var ticks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
                    result[tid] = (name, ticks);
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException)
                {
                    // A thread that ended while it was read.
                }
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Not Linux.
        }

        return result;
    }
}
