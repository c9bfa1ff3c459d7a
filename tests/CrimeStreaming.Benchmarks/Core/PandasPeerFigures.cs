using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using CrimeStreaming.Csv;
using CrimeStreaming.Generation;

namespace CrimeStreaming.Benchmarks.Core;

/// <summary>
/// The original pandas pipeline (<c>Peers/original_pipeline.py</c>: read_csv, <c>str.contains</c> filter, row-wise
/// <c>apply</c> for the report time, drop before the start, shuffle, <c>np.array_split</c>, sort) against
/// <see cref="BasicCrimeStreamer.Prepare"/> on the same generated 2010–2019 file. Each side runs as a whole process
/// (interpreter or runtime start-up included), in alternating pairs; both must keep the same number of reports.
/// </summary>
public sealed class PandasPeerFigures : IFigureSuite
{
    public const string ChildCommand = "preprocess-once";

    private const int Officers = 8;
    private const int Seed = 1;

    // A day before the first generated day: both sides compare every report with it and keep them all, so their kept
    // counts are exact (a start inside the data would leave the few reports within the random delay of it to chance).
    private const string Start = "2009-12-31 00:00";

    public string Name => "pandas";

    public async Task RunAsync(FigureContext context, CancellationToken cancellationToken)
    {
        var python = FindPython();
        if (python is null)
        {
            Console.WriteLine("[pandas] skipped: python3-pandas is not installed (apt-get install python3-pandas)");
            return;
        }

        var script = Path.Combine(AppContext.BaseDirectory, "Peers", "original_pipeline.py");
        var rows = context.Quick ? 20_000 : 1_000_000;
        var directory = Directory.CreateTempSubdirectory("crimestreaming-pandas-").FullName;
        try
        {
            var path = Path.Combine(directory, "lapd-2010-2019.csv");
            LapdCsvGenerator.WriteFile(path, new LapdGeneratorOptions
            {
                Rows = rows, Seed = 1, Schema = CrimeCsvSchema.Lapd2010To2019, From = new DateOnly(2010, 1, 1), To = new DateOnly(2019, 12, 31),
            }, cancellationToken);
            Console.WriteLine($"[pandas] peer interpreter: {python}");

            var pandas = new List<Run>();
            var ours = new List<Run>();
            var series = await PairedRuns.RunAsync(
                PairedRuns.Rounds(context, full: 3, quick: 1),
                new PairedSide("pandas pipeline", run => Task.FromResult(Record(pandas, run, Measure(python, [script, path, Str(Officers), Str(Seed), Start]), rows))),
                new PairedSide("library", run => Task.FromResult(Record(ours, run, MeasureSelf(path), rows)))).ConfigureAwait(false);

            var kept = pandas.Concat(ours).Select(r => r.Kept).Distinct().ToList();
            if (kept.Count != 1)
            {
                throw new InvalidOperationException($"kept counts differ: pandas {string.Join('/', pandas.Select(r => r.Kept))}, library {string.Join('/', ours.Select(r => r.Kept))}");
            }

            var size = $"{rows:N0} rows, {kept[0]:N0} kept, {Officers} officers";
            series.ReportRate(context, Name, 0, "original pandas pipeline (whole process)", "rows/s", size);
            series.ReportRate(context, Name, 1, "BasicCrimeStreamer.Prepare (whole process)", "rows/s", size);
            series.ReportRatio(context, Name, 1, 0, "library / pandas throughput (pandas time / library time)", "whole processes, start-up included");
            context.Report(Name, "pandas pipeline wall time", Median(pandas, r => r.WallSeconds), "s", $"in-script stages {Figure.Format(Median(pandas, r => r.InnerSeconds))} s");
            context.Report(Name, "library wall time", Median(ours, r => r.WallSeconds), "s", $"in-process Prepare {Figure.Format(Median(ours, r => r.InnerSeconds))} s");
            context.Report(Name, "library / pandas, stages only", Median(pandas, r => r.InnerSeconds) / Median(ours, r => r.InnerSeconds), "ratio", "medians of in-script and in-process times, start-up excluded");
            if (pandas.Concat(ours).All(r => r.PeakMb > 0))
            {
                context.Report(Name, "pandas pipeline peak RSS", Median(pandas, r => r.PeakMb), "MB", "max resident set of the process");
                context.Report(Name, "library peak RSS", Median(ours, r => r.PeakMb), "MB", "max resident set of the process");
            }
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    /// <summary>Runs in the child process: prepares <paramref name="path"/> and prints rows, kept and seconds as JSON.</summary>
    public static int RunChild(string path, string officers, string seed, string start)
    {
        var zone = TimeZoneInfo.FindSystemTimeZoneById("America/Los_Angeles");
        var local = DateTime.ParseExact(start, "yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture);
        var options = new CrimeStreamerOptions
        {
            Seed = int.Parse(seed, CultureInfo.InvariantCulture),
            Officers = int.Parse(officers, CultureInfo.InvariantCulture),
            AsFastAsPossible = true,
            SimulationStart = new DateTimeOffset(local, zone.GetUtcOffset(local)),
        };
        var watch = Stopwatch.StartNew();
        using var prepared = new BasicCrimeStreamer(new CsvCrimeRecordSource(path), options).Prepare();
        var seconds = watch.Elapsed.TotalSeconds;
        Console.WriteLine(JsonSerializer.Serialize(new { rows = prepared.Progress.Input.RowsRead, kept = prepared.Progress.Scheduled, seconds }));
        return 0;
    }

    private static string Str(int value) => value.ToString(CultureInfo.InvariantCulture);

    private static double Median(List<Run> runs, Func<Run, double> value) => Spread.Of(runs.Where(r => !r.WarmUp).Select(value).ToArray()).Median;

    private static double Record(List<Run> runs, int run, Run result, int rows)
    {
        runs.Add(result with { WarmUp = run < 2 });
        return rows / result.WallSeconds;
    }

    private static Run MeasureSelf(string path)
    {
        var self = Environment.ProcessPath!;
        var arguments = new List<string>();
        if (Path.GetFileNameWithoutExtension(self) == "dotnet")
        {
            arguments.Add(typeof(PandasPeerFigures).Assembly.Location);
        }

        arguments.AddRange([ChildCommand, path, Str(Officers), Str(Seed), Start]);
        return Measure(self, arguments);
    }

    /// <summary>Runs a whole process, under <c>/usr/bin/time</c> when present for its peak resident set.</summary>
    private static Run Measure(string program, IReadOnlyList<string> arguments)
    {
        var timeTool = File.Exists("/usr/bin/time") ? "/usr/bin/time" : null;
        var peakFile = Path.GetTempFileName();
        try
        {
            var info = new ProcessStartInfo(timeTool ?? program) { RedirectStandardOutput = true, RedirectStandardError = true };
            if (timeTool is not null)
            {
                foreach (var a in new[] { "-f", "%M", "-o", peakFile, program })
                {
                    info.ArgumentList.Add(a);
                }
            }

            foreach (var a in arguments)
            {
                info.ArgumentList.Add(a);
            }

            var watch = Stopwatch.StartNew();
            using var process = Process.Start(info)!;
            var error = process.StandardError.ReadToEndAsync();
            var output = process.StandardOutput.ReadToEnd();
            process.WaitForExit();
            watch.Stop();
            var line = output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).LastOrDefault(l => l.StartsWith('{'));
            if (process.ExitCode != 0 || line is null)
            {
                throw new InvalidOperationException($"{Path.GetFileName(program)} failed ({process.ExitCode}): {output}{error.Result}");
            }

            using var json = JsonDocument.Parse(line);
            var peakText = timeTool is null ? string.Empty : File.ReadAllText(peakFile).Trim();
            var peakMb = long.TryParse(peakText.Split('\n')[^1], NumberStyles.Integer, CultureInfo.InvariantCulture, out var kb) ? kb / 1024.0 : -1;
            return new Run(watch.Elapsed.TotalSeconds, json.RootElement.GetProperty("seconds").GetDouble(), json.RootElement.GetProperty("kept").GetInt64(), peakMb, false);
        }
        finally
        {
            File.Delete(peakFile);
        }
    }

    /// <summary>The first interpreter that imports pandas: Debian's first (the one <c>python3-pandas</c> installs into), then the one on the PATH.</summary>
    private static string? FindPython()
    {
        foreach (var candidate in new[] { "/usr/bin/python3", "python3" })
        {
            try
            {
                var info = new ProcessStartInfo(candidate) { RedirectStandardOutput = true, RedirectStandardError = true };
                info.ArgumentList.Add("-c");
                info.ArgumentList.Add("import pandas");
                using var process = Process.Start(info)!;
                process.StandardOutput.ReadToEnd();
                process.StandardError.ReadToEnd();
                process.WaitForExit();
                if (process.ExitCode == 0)
                {
                    return candidate;
                }
            }
            catch (System.ComponentModel.Win32Exception)
            {
                // Not installed: try the next one.
            }
        }

        return null;
    }

    private sealed record Run(double WallSeconds, double InnerSeconds, long Kept, double PeakMb, bool WarmUp);
}
