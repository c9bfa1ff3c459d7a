using System.Diagnostics;
using System.Globalization;
using CrimeStreaming.Csv;
using CrimeStreaming.Generation;
using CrimeStreaming.Storage;

namespace CrimeStreaming.Benchmarks.OutOfCore;

/// <summary>
/// The disk-backed streamer on a file far larger than memory should need, against BasicCrimeStreamer on the largest
/// input it comfortably holds. Each contender runs in a fresh process so its peak resident memory (VmHWM) is its own.
/// </summary>
public sealed class OutOfCoreFigures : IFigureSuite
{
    public const string ChildCommand = "outofcore-child";

    public string Name => "outofcore";

    public Task RunAsync(FigureContext context, CancellationToken cancellationToken)
    {
        var bigRows = context.Quick ? 50_000L : 20_000_000L;
        var basicRows = context.Quick ? 50_000L : 2_000_000L;
        var directory = Directory.CreateTempSubdirectory("crimestreaming-outofcore-").FullName;
        try
        {
            var big = Path.Combine(directory, "big.csv");
            var watch = Stopwatch.StartNew();
            LapdCsvGenerator.WriteFile(big, new LapdGeneratorOptions { Rows = bigRows, Seed = 1 });
            context.Report(Name, "generator", bigRows / watch.Elapsed.TotalSeconds, "rows/s", $"{bigRows:N0} rows, {new FileInfo(big).Length / 1e9:N2} GB");

            var small = Path.Combine(directory, "basic.csv");
            LapdCsvGenerator.WriteFile(small, new LapdGeneratorOptions { Rows = basicRows, Seed = 1 });

            var basic = Child("basic", small, directory);
            var diskSame = Child("disk", small, directory);
            var diskBig = Child("disk", big, directory);
            context.Report(Name, $"BasicCrimeStreamer, {basicRows:N0} rows: prepare + replay all officers", basic.RowsPerSecond, "rows/s", $"peak RSS {basic.PeakMb:N0} MB");
            context.Report(Name, $"DiskBackedCrimeStreamer, same {basicRows:N0} rows", diskSame.RowsPerSecond, "rows/s", $"peak RSS {diskSame.PeakMb:N0} MB");
            context.Report(Name, "disk / basic throughput (same input)", diskSame.RowsPerSecond / basic.RowsPerSecond, "ratio", "goal >= 0.5 (within 2x)");
            context.Report(Name, $"DiskBackedCrimeStreamer, {bigRows:N0} rows", diskBig.RowsPerSecond, "rows/s", $"{diskBig.Reports:N0} reports, default 128 MiB budget");
            context.Report(Name, $"DiskBackedCrimeStreamer peak RSS, {bigRows:N0} rows", diskBig.PeakMb, "MB", "goal <= 512 MB");
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }

        return Task.CompletedTask;
    }

    /// <summary>Runs in the child process: prepare and enumerate every officer, then print rows, reports, seconds and VmHWM.</summary>
    public static int RunChild(string kind, string path, string temp)
    {
        var options = new CrimeStreamerOptions { Seed = 1, Officers = 8, AsFastAsPossible = true };
        var source = new CsvCrimeRecordSource(path);
        CrimeStreamer streamer = kind == "disk"
            ? new DiskBackedCrimeStreamer(source, options, new DiskBackedOptions { TemporaryDirectory = temp })
            : new BasicCrimeStreamer(source, options);
        var watch = Stopwatch.StartNew();
        long reports = 0;
        using (var prepared = streamer.Prepare())
        {
            foreach (var officer in prepared.Officers)
            {
                foreach (var report in officer.Reports)
                {
                    reports += report.OfficerId > 0 ? 1 : 0;
                }
            }

            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"rows={prepared.Progress.Input.RowsRead} reports={reports} seconds={watch.Elapsed.TotalSeconds} vmhwm_kb={PeakKb()}"));
        }

        return 0;
    }

    private static long PeakKb()
    {
        var line = File.ReadLines("/proc/self/status").FirstOrDefault(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
        return line is null ? -1 : long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);
    }

    private static (double RowsPerSecond, double PeakMb, long Reports) Child(string kind, string path, string temp)
    {
        var self = Environment.ProcessPath!;
        var info = new ProcessStartInfo(self) { RedirectStandardOutput = true };
        if (Path.GetFileNameWithoutExtension(self) == "dotnet")
        {
            info.ArgumentList.Add(typeof(OutOfCoreFigures).Assembly.Location);
        }

        foreach (var a in new[] { ChildCommand, kind, path, temp })
        {
            info.ArgumentList.Add(a);
        }

        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        var values = output.Trim().Split(' ').Select(p => p.Split('=')).Where(p => p.Length == 2).ToDictionary(p => p[0], p => double.Parse(p[1], CultureInfo.InvariantCulture));
        if (process.ExitCode != 0 || !values.ContainsKey("rows"))
        {
            throw new InvalidOperationException($"{kind} child failed: {output}");
        }

        return (values["rows"] / values["seconds"], values["vmhwm_kb"] / 1024, (long)values["reports"]);
    }
}
