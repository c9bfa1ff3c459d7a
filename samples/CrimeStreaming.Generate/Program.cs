using System.Diagnostics;
using System.Globalization;
using CrimeStreaming.Demo.Cli;
using CrimeStreaming.Generate;
using CrimeStreaming.Generation;

// Writes a synthetic LAPD-shaped CSV file:
//   dotnet run -c Release --project samples/CrimeStreaming.Generate -- --rows 1000000 --schema 2020 --seed 42 --out crimes.csv
return await ConsoleApp.RunAsync(args.Contains("--verbose"), "removing the partial file", m => m, async stop =>
{
    var options = GenerateOptions.Parse(args);
    if (options.Help)
    {
        Console.WriteLine(GenerateOptions.Usage);
        return ConsoleApp.Success;
    }

    var output = options.Out!;
    var generator = options.Generator;

    // A progress bar on a terminal only: redirected output gets the final line alone.
    var bar = Console.IsOutputRedirected ? null : new ProgressBar(generator.Rows, Console.Out);
    generator.Progress = bar;
    var watch = Stopwatch.StartNew();
    try
    {
        await Task.Run(() => LapdCsvGenerator.WriteFile(output, generator, stop.Token), CancellationToken.None);
    }
    catch (Exception)
    {
        // Stopped or failed half-way: a truncated file would read as a valid, shorter one.
        bar?.Clear();
        TryDelete(output);
        throw;
    }

    bar?.Clear();

    var seconds = watch.Elapsed.TotalSeconds;
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{generator.Rows:N0} rows ({generator.Schema.Name}, seed {generator.Seed}) written to {output} in {seconds:F1} s ({generator.Rows / Math.Max(seconds, 1e-3):N0} rows/s, {new FileInfo(output).Length / 1e6:N0} MB)"));
    return ConsoleApp.Success;
});

static void TryDelete(string path)
{
    try
    {
        File.Delete(path);
    }
    catch (IOException)
    {
        // Reported by the error that brought us here.
    }
    catch (UnauthorizedAccessException)
    {
        // Same.
    }
}
