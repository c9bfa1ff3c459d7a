namespace CrimeStreaming.Csv;

/// <summary>A <see cref="ICrimeRecordSource"/> reading an LAPD-style CSV file with <see cref="CrimeCsvReader"/>.</summary>
public sealed class CsvCrimeRecordSource : ICrimeRecordSource
{
    private readonly CrimeCsvOptions _options;

    /// <summary>Creates the source. The file is opened when the records are read.</summary>
    public CsvCrimeRecordSource(string path, CrimeCsvOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        _options = options ?? new CrimeCsvOptions();
        _options.Validate();
        Path = path;
    }

    /// <summary>The file.</summary>
    public string Path { get; }

    /// <inheritdoc/>
    public string Name => Path;

    /// <inheritdoc/>
    public IEnumerable<CrimeRecord> Read(CsvReadStatistics statistics, CancellationToken cancellationToken) =>
        CrimeCsvReader.ReadFile(Path, _options, statistics, cancellationToken);

    /// <summary>Reads, dropping rows on their description before parsing the rest.</summary>
    internal IEnumerable<CrimeRecord> Read(CsvReadStatistics statistics, DescriptionPrefilter prefilter, CancellationToken cancellationToken) =>
        CrimeCsvReader.ReadFile(Path, _options, statistics, prefilter, cancellationToken);
}
