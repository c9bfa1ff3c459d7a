namespace CrimeStreaming.Benchmarks.Core;

/// <summary>Input files for the core figures: the real 2020 sample, repeated to the size a figure needs.</summary>
internal static class BenchmarkData
{
    public static string Sample2020 => Path.Combine(AppContext.BaseDirectory, "data", "la-crime-2020-present-sample.csv");

    /// <summary>Writes a file of about <paramref name="rows"/> rows: the sample's rows repeated with unique DR numbers.</summary>
    public static string RepeatedSample(int rows)
    {
        var path = Path.Combine(Path.GetTempPath(), $"crimestreaming-bench-{rows}.csv");
        if (File.Exists(path))
        {
            return path;
        }

        var lines = File.ReadAllLines(Sample2020);
        using (var writer = new StreamWriter(path + ".tmp", false, new System.Text.UTF8Encoding(false), 1 << 20))
        {
            writer.Write(lines[0]);
            writer.Write('\n');
            for (var i = 0; i < rows; i++)
            {
                var line = lines[1 + (i % (lines.Length - 1))];
                var round = i / (lines.Length - 1);
                // Unique DR numbers per copy keep the data honest for de-duplicating consumers.
                writer.Write(round == 0 ? line : string.Concat((round % 10).ToString(System.Globalization.CultureInfo.InvariantCulture), line.AsSpan(1)));
                writer.Write('\n');
            }
        }

        File.Move(path + ".tmp", path, overwrite: true);
        return path;
    }
}
