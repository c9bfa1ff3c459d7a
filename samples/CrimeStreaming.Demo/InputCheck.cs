using CrimeStreaming.Csv;
using CrimeStreaming.Demo.Cli;

namespace CrimeStreaming.Demo;

/// <summary>Looks at the input file before anything starts: a text CSV file whose header matches a known schema.</summary>
internal static class InputCheck
{
    /// <summary>Bytes examined for binary content.</summary>
    private const int Probe = 4096;

    /// <summary>Reads the header and the first data row of <paramref name="path"/>.</summary>
    /// <returns>Whether the file has at least one data row (an empty or header-only file has none).</returns>
    /// <exception cref="UsageException">Not a text file, or a header of another schema.</exception>
    public static bool HasRows(string option, string path, CancellationToken cancellationToken)
    {
        var head = new byte[Probe];
        int read;
        using (var stream = File.OpenRead(path))
        {
            read = stream.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
        }

        var nul = Array.IndexOf(head, (byte)0, 0, read);
        if (nul >= 0)
        {
            throw new UsageException($"{option}: {path} is not a CSV text file (a NUL byte at offset {nul}).");
        }

        try
        {
            var statistics = new ReadStatistics();
            foreach (var _ in CrimeCsvReader.ReadFile(path, new CrimeCsvOptions(), statistics, cancellationToken))
            {
                return true;
            }

            return statistics.RowsRead > 0;
        }
        catch (CrimeSchemaException e)
        {
            throw new UsageException($"{option}: {e.Message.ReplaceLineEndings(" ")}");
        }
    }
}
