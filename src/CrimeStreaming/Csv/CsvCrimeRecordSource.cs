namespace CrimeStreaming.Csv;

/// <summary>A <see cref="ICrimeRecordSource"/> reading an LAPD-style CSV file with <see cref="CrimeCsvReader"/>.</summary>
public sealed class CsvCrimeRecordSource : ICrimeRecordSource, IStagedRecordSource
{
    private readonly CrimeCsvOptions _options;
    private readonly Func<TextReader>? _open;

    /// <summary>Creates the source. The file is opened when the records are read.</summary>
    /// <param name="path">The CSV file.</param>
    /// <param name="options">The reading options; copied and validated. The default is <see cref="CrimeCsvOptions"/>' defaults.</param>
    /// <exception cref="InvalidOptionsException"><paramref name="options"/> are invalid.</exception>
    public CsvCrimeRecordSource(string path, CrimeCsvOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        _options = options?.Clone() ?? new CrimeCsvOptions();
        _options.Validate();
        Path = path;
    }

    /// <summary>A source reading the text <paramref name="open"/> returns (each read opens it anew), named <paramref name="name"/> in errors.</summary>
    internal CsvCrimeRecordSource(string name, Func<TextReader> open, CrimeCsvOptions? options = null)
        : this(name, options)
    {
        _open = open;
    }

    /// <summary>The file.</summary>
    public string Path { get; }

    /// <summary>The validated reading options (a copy: changing the caller's object later has no effect).</summary>
    public CrimeCsvOptions Options => _options;

    /// <inheritdoc/>
    public string Name => Path;

    /// <inheritdoc/>
    /// <remarks>Applies the context's description prefilter while reading: rows it drops are never parsed beyond their description.</remarks>
    public IEnumerable<CrimeRecord> Read(RecordReadContext context, CancellationToken cancellationToken) =>
        Read(context, readAhead: false, cancellationToken);

    /// <inheritdoc/>
    IEnumerable<CrimeRecord> IStagedRecordSource.ReadAhead(RecordReadContext context, CancellationToken cancellationToken) =>
        Read(context, readAhead: true, cancellationToken);

    private IEnumerable<CrimeRecord> Read(RecordReadContext context, bool readAhead, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        return _open is null
            ? CrimeCsvReader.ReadFile(Path, _options, context.Statistics, context.Prefilter, cancellationToken, readAhead)
            : CrimeCsvReader.Read(_open(), Path, _options, context.Statistics, context.Prefilter, cancellationToken, readAhead);
    }
}
