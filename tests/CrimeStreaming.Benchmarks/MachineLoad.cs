using System.Diagnostics;
using System.Globalization;

namespace CrimeStreaming.Benchmarks;

/// <summary>
/// What else the machine was doing during a measured run, printed beside its figure: the 1-minute load average at its
/// start and end, and how many cores this process used on average (its CPU time over the wall time).
/// </summary>
public sealed class MachineLoad
{
    private readonly double? _loadBefore = LoadAverage();
    private readonly TimeSpan _cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
    private readonly long _started = Stopwatch.GetTimestamp();

    /// <summary>Starts measuring now.</summary>
    public static MachineLoad Start() => new();

    /// <summary>The load averages and the process' cores used since <see cref="Start"/>, e.g. <c>load 2.1-2.4, 1.35 cores</c>.</summary>
    public string Stop()
    {
        var wall = Stopwatch.GetElapsedTime(_started);
        var cores = (Process.GetCurrentProcess().TotalProcessorTime - _cpuBefore).TotalSeconds / Math.Max(wall.TotalSeconds, 1e-9);
        var after = LoadAverage();
        var load = _loadBefore is { } b && after is { } a ? string.Create(CultureInfo.InvariantCulture, $"load {b:0.0}-{a:0.0}, ") : string.Empty;
        return string.Create(CultureInfo.InvariantCulture, $"{load}{cores:0.00} of {Environment.ProcessorCount} cores used by this process");
    }

    /// <summary>The 1- and 5-minute load averages (Linux) as <c>1.23/1.45</c>, or <c>?</c> where they cannot be read.</summary>
    public static string Averages() => LoadFields() is { Length: >= 2 } fields ? $"{fields[0]}/{fields[1]}" : "?";

    /// <summary>The 1-minute load average (Linux), or <see langword="null"/> where it cannot be read.</summary>
    public static double? LoadAverage() =>
        LoadFields() is [var first, ..] && double.TryParse(first, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) ? value : null;

    /// <summary>The fields of <c>/proc/loadavg</c>, or <see langword="null"/> where it cannot be read.</summary>
    private static string[]? LoadFields()
    {
        try
        {
            return File.ReadAllText("/proc/loadavg").Split(' ');
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
