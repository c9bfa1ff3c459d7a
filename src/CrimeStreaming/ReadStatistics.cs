namespace CrimeStreaming;

/// <summary>Live, thread-safe counts of what a reader did with the rows it read.</summary>
/// <remarks>
/// <para>Every data row read is exactly one of: skipped with a reason (<see cref="RowsSkipped"/>), dropped on its crime
/// description before the rest of it was parsed (<see cref="RowsPrefiltered"/>, by a streamer's <see cref="DescriptionPrefilter"/>), or parsed
/// into a record (<see cref="RowsParsed"/>). Counts are exact; the detailed <see cref="Errors"/> list keeps only the
/// first <see cref="MaxRecordedErrors"/> errors so that a broken multi-gigabyte file cannot exhaust memory.</para>
/// <para>When reading had to stop before the end of the input, <see cref="FatalError"/> says where and why: the rows
/// in the lines it names were never read, so the counts do not cover the whole input.</para>
/// </remarks>
public sealed class ReadStatistics
{
    private readonly object _gate = new();
    private readonly Dictionary<string, long> _skippedByReason = new(StringComparer.Ordinal);
    private readonly List<RowError> _errors = [];
    private long _rowsRead;
    private long _rowsSkipped;
    private long _rowsPrefiltered;
    private long _linesRead;
    private RowError? _fatalError;

    /// <summary>Creates empty statistics.</summary>
    /// <param name="maxRecordedErrors">How many detailed errors to keep. The default value is 1,000.</param>
    public ReadStatistics(int maxRecordedErrors = 1000)
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

    /// <summary>Rows dropped on their crime description alone, before their other fields were parsed (not validated).</summary>
    public long RowsPrefiltered => Interlocked.Read(ref _rowsPrefiltered);

    /// <summary>Rows fully parsed into records: <see cref="RowsRead"/> − <see cref="RowsSkipped"/> − <see cref="RowsPrefiltered"/>.</summary>
    public long RowsParsed => RowsRead - RowsSkipped - RowsPrefiltered;

    /// <summary>Physical lines of the input consumed, the header and blank lines included, when the source is a text file; else 0.</summary>
    /// <remarks>Updated when reading ends. Each line is the header, blank, part of a record's row, or named by a row error
    /// (<see cref="RowError.Line"/> to <see cref="RowError.EndLine"/>).</remarks>
    public long LinesRead => Interlocked.Read(ref _linesRead);

    /// <summary>Why reading stopped before the end of the input, or <see langword="null"/> when it did not.</summary>
    public RowError? FatalError
    {
        get
        {
            lock (_gate)
            {
                return _fatalError;
            }
        }
    }

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

    /// <summary>Records that reading stopped before the end of the input because of <paramref name="error"/> (the first such error is kept).</summary>
    public void OnReadingStopped(RowError error)
    {
        ArgumentNullException.ThrowIfNull(error);
        lock (_gate)
        {
            _fatalError ??= error;
        }
    }

    /// <summary>Counts one row dropped by a <see cref="DescriptionPrefilter"/> before being parsed.</summary>
    public void OnRowPrefiltered() => Interlocked.Increment(ref _rowsPrefiltered);

    /// <summary>Adds the physical lines a reader consumed.</summary>
    internal void OnLinesRead(long lines) => Interlocked.Add(ref _linesRead, lines);

    /// <summary>Counts <paramref name="rows"/> rows read, <paramref name="prefiltered"/> of them dropped by the prefilter.</summary>
    internal void OnRowsRead(long rows, long prefiltered)
    {
        if (rows > 0)
        {
            Interlocked.Add(ref _rowsRead, rows);
        }

        if (prefiltered > 0)
        {
            Interlocked.Add(ref _rowsPrefiltered, prefiltered);
        }
    }
}
