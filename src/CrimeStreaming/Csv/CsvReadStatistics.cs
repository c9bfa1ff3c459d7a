namespace CrimeStreaming.Csv;

/// <summary>Live, thread-safe counts of what a reader did with the rows it read.</summary>
/// <remarks>
/// Every data row read is either parsed or skipped with a reason. Counts are exact; the detailed
/// <see cref="Errors"/> list keeps only the first <see cref="MaxRecordedErrors"/> errors so that a broken
/// multi-gigabyte file cannot exhaust memory.
/// </remarks>
public sealed class CsvReadStatistics
{
    private readonly object _gate = new();
    private readonly Dictionary<string, long> _skippedByReason = new(StringComparer.Ordinal);
    private readonly List<RowError> _errors = [];
    private long _rowsRead;
    private long _rowsSkipped;

    /// <summary>Creates empty statistics.</summary>
    /// <param name="maxRecordedErrors">How many detailed errors to keep. The default value is 1,000.</param>
    public CsvReadStatistics(int maxRecordedErrors = 1000)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(maxRecordedErrors);
        MaxRecordedErrors = maxRecordedErrors;
    }

    /// <summary>How many detailed errors are kept.</summary>
    public int MaxRecordedErrors { get; }

    /// <summary>Data rows read (the header is not a row), parsed or not.</summary>
    public long RowsRead => Interlocked.Read(ref _rowsRead);

    /// <summary>Rows skipped because they could not be parsed.</summary>
    public long RowsSkipped => Interlocked.Read(ref _rowsSkipped);

    /// <summary>Rows parsed into records.</summary>
    public long RowsParsed => RowsRead - RowsSkipped;

    /// <summary>Skipped rows counted by <see cref="RowError.Reason"/>.</summary>
    public IReadOnlyDictionary<string, long> SkippedByReason
    {
        get
        {
            lock (_gate)
            {
                return new Dictionary<string, long>(_skippedByReason, StringComparer.Ordinal);
            }
        }
    }

    /// <summary>The first <see cref="MaxRecordedErrors"/> errors, in the order met.</summary>
    public IReadOnlyList<RowError> Errors
    {
        get
        {
            lock (_gate)
            {
                return _errors.ToArray();
            }
        }
    }

    /// <summary>Counts one row read.</summary>
    public void OnRowRead() => Interlocked.Increment(ref _rowsRead);

    /// <summary>Counts one row skipped, and records why.</summary>
    public void OnRowSkipped(RowError error)
    {
        ArgumentNullException.ThrowIfNull(error);
        Interlocked.Increment(ref _rowsSkipped);
        lock (_gate)
        {
            _skippedByReason[error.Reason] = _skippedByReason.GetValueOrDefault(error.Reason) + 1;
            if (_errors.Count < MaxRecordedErrors)
            {
                _errors.Add(error);
            }
        }
    }
}
