using System.Diagnostics;
using System.Globalization;
using CrimeStreaming.Generation;

// Writes a synthetic LAPD-shaped CSV file:
//   dotnet run -c Release --project samples/CrimeStreaming.Generate -- --rows 1000000 --schema 2020 --seed 42 --out crimes.csv
var options = new LapdGeneratorOptions();
string? output = null;
try
{
    for (var i = 0; i < args.Length; i++)
    {
        string Value() => i + 1 < args.Length ? args[++i] : throw new FormatException($"{args[i]} needs a value.");
        switch (args[i])
        {
            case "--rows": options.Rows = long.Parse(Value(), CultureInfo.InvariantCulture); break;
            case "--seed": options.Seed = int.Parse(Value(), CultureInfo.InvariantCulture); break;
            case "--schema": options.Schema = Value() switch { "2020" => LapdSchema.Lapd2020ToPresent, "2010" => LapdSchema.Lapd2010To2019, var s => throw new FormatException($"--schema: '{s}' is not 2010 or 2020.") }; break;
            case "--from": options.From = DateOnly.Parse(Value(), CultureInfo.InvariantCulture); break;
            case "--to": options.To = DateOnly.Parse(Value(), CultureInfo.InvariantCulture); break;
            case "--out": output = Value(); break;
            default: throw new FormatException($"unknown option {args[i]}.");
        }
    }

    if (output is null)
    {
        throw new FormatException("--out FILE is required.");
    }

    options.Validate();
}
catch (Exception e) when (e is FormatException or ArgumentException or OverflowException)
{
    Console.Error.WriteLine($"error: {e.Message}");
    Console.Error.WriteLine("usage: --out FILE [--rows N] [--schema 2020|2010] [--seed N] [--from YYYY-MM-DD] [--to YYYY-MM-DD]");
    return 2;
}

var watch = Stopwatch.StartNew();
LapdCsvGenerator.WriteFile(output, options);
var seconds = watch.Elapsed.TotalSeconds;
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{options.Rows:N0} rows ({options.Schema}, seed {options.Seed}) written to {output} in {seconds:F1} s ({options.Rows / seconds:N0} rows/s, {new FileInfo(output).Length / 1e6:N0} MB)"));
return 0;
