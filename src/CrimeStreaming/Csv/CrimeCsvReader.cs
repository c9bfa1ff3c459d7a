namespace CrimeStreaming.Csv;

/// <summary>
/// Streams <see cref="CrimeRecord"/>s out of an LAPD-style crime CSV file (RFC 4180; the file is never loaded whole). Detects the schema from the header, or uses the one given.
/// </summary>
/// <remarks>
/// <para>Every data row read is counted in the <see cref="ReadStatistics"/> passed in: either it becomes a record or
/// it is skipped with a <see cref="RowError"/> naming the file, line, field, raw value and reason; with
/// <see cref="RowErrorPolicy.Throw"/> the same error is thrown as a <see cref="CrimeDataException"/>.</para>
/// <para>A header lacking required columns throws <see cref="CrimeSchemaException"/> at once, naming the missing
/// columns and the known schemas. An empty file yields no records.</para>
/// <para>Every physical line is accounted for: <see cref="ReadStatistics.LinesRead"/> counts them, and a row error
/// names the first and last line of its row (<see cref="RowError.Line"/>, <see cref="RowError.EndLine"/>), so a quote
/// opened on one line and closed on the next names both.</para>
/// <para>A field longer than <see cref="CrimeCsvOptions.MaxFieldLength"/> outside quotes skips its row (the rest of it is
/// read through, not kept) and reading resumes at the next row. Inside quotes (usually an unterminated quote) the end of the
/// row cannot be found reliably: reading stops with the error recorded as <see cref="ReadStatistics.FatalError"/>
/// (with <see cref="RowErrorPolicy.Throw"/>, thrown), so a stopped read is never mistaken for a complete one.</para>
/// <para>Dates outside <see cref="CrimeCsvOptions.EarliestDate"/>..<see cref="CrimeCsvOptions.LatestDate"/> are row
/// errors (<c>date out of range</c>).</para>
/// </remarks>
public static class CrimeCsvReader
{
    /// <summary>Streams the records of the file at <paramref name="path"/>.</summary>
    /// <exception cref="CrimeSchemaException">The header lacks required columns.</exception>
    /// <exception cref="CrimeDataException">A row is malformed and the policy is <see cref="RowErrorPolicy.Throw"/>.</exception>
    public static IEnumerable<CrimeRecord> ReadFile(string path, CrimeCsvOptions? options = null, ReadStatistics? statistics = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        options = options?.Clone() ?? new CrimeCsvOptions(); // a copy: the records are read later, lazily
        options.Validate();
        return Stages(() => OpenFile(path), path, options, statistics ?? new ReadStatistics(), null, readAhead: false, cancellationToken);
    }

    /// <summary>Streams the records read from <paramref name="reader"/>; <paramref name="sourceName"/> names it in errors.</summary>
    /// <exception cref="CrimeSchemaException">The header lacks required columns.</exception>
    /// <exception cref="CrimeDataException">A row is malformed and the policy is <see cref="RowErrorPolicy.Throw"/>.</exception>
    public static IEnumerable<CrimeRecord> Read(TextReader reader, string sourceName, CrimeCsvOptions? options = null, ReadStatistics? statistics = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(reader);
        ArgumentNullException.ThrowIfNull(sourceName);
        options = options?.Clone() ?? new CrimeCsvOptions(); // a copy: the records are read later, lazily
        options.Validate();
        return Stages(() => reader, sourceName, options, statistics ?? new ReadStatistics(), null, readAhead: false, cancellationToken);
    }

    /// <summary>Streams the file's records, dropping rows on their description alone before parsing the rest (see <see cref="DescriptionPrefilter"/>).</summary>
    internal static IEnumerable<CrimeRecord> ReadFile(string path, CrimeCsvOptions options, ReadStatistics statistics, DescriptionPrefilter? prefilter, CancellationToken cancellationToken, bool readAhead = false)
    {
        options.Validate();
        return Stages(() => OpenFile(path), path, options, statistics, prefilter, readAhead, cancellationToken);
    }

    /// <summary>Streams the records read from <paramref name="reader"/>, dropping rows on their description alone before parsing the rest.</summary>
    internal static IEnumerable<CrimeRecord> Read(TextReader reader, string sourceName, CrimeCsvOptions options, ReadStatistics statistics, DescriptionPrefilter? prefilter, CancellationToken cancellationToken, bool readAhead = false)
    {
        options.Validate();
        return Stages(() => reader, sourceName, options, statistics, prefilter, readAhead, cancellationToken);
    }

    private static StreamReader OpenFile(string path)
    {
        var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan);
        return new StreamReader(stream, System.Text.Encoding.UTF8, detectEncodingFromByteOrderMarks: true, bufferSize: 1 << 16);
    }

    /// <summary>
    /// Tokenizing (CsvHelper, line tracking, the prefilter) then building records (parsing dates, times, numbers and
    /// coordinates), on one thread, or, with <paramref name="readAhead"/>, tokenizing on a thread of its own a few
    /// batches ahead of building on the caller's.
    /// </summary>
    /// <remarks>
    /// <para>The two stages split the work where the handover is cheapest: the tokenizer must read every row, the builder
    /// only the rows of interest. Rows and errors reach the builder in file order, so results, counts and the first
    /// error thrown are the same either way.</para>
    /// <para>The per-row methods of both stages and of the in-memory storage are compiled fully optimized at once
    /// (<see cref="System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization"/>): a preparation is
    /// usually a process's first and only big job, and with tiered compilation, while both cores are busy, most of a 1M-row
    /// file was read by unoptimized code (2.17 s against 1.95 s for the whole process; warm runs unchanged).</para>
    /// </remarks>
    private static IEnumerable<CrimeRecord> Stages(Func<TextReader> open, string sourceName, CrimeCsvOptions options, ReadStatistics statistics, DescriptionPrefilter? prefilter, bool readAhead, CancellationToken cancellationToken)
    {
        var rows = Tokenize(open, sourceName, options, statistics, prefilter, cancellationToken);
        return Build(readAhead ? ReadAhead.Of(rows, cancellationToken) : rows, options, statistics);
    }

    /// <summary>The tokenizing stage alone over a file: what the reading thread does when the streamer reads ahead (for the benchmarks).</summary>
    internal static IEnumerable<TokenizedRow> TokenizeFile(string path, CrimeCsvOptions options, ReadStatistics statistics, DescriptionPrefilter? prefilter) =>
        Tokenize(() => OpenFile(path), path, options, statistics, prefilter, CancellationToken.None);

    /// <summary>
    /// The tokenizing stage: every row of the file becomes a row to build or an error, except rows the prefilter drops,
    /// which are counted here (as read and prefiltered). Stops after a fatal error, or after any error when errors throw.
    /// </summary>
    private static IEnumerable<TokenizedRow> Tokenize(Func<TextReader> open, string sourceName, CrimeCsvOptions options, ReadStatistics statistics, DescriptionPrefilter? prefilter, CancellationToken cancellationToken)
    {
        using var rows = new CrimeCsvRowReader(open(), sourceName, options, prefilter);
        var linesCounted = 0L;
        var missing = 0L;
        var notOfInterest = 0L;
        try
        {
            if (!rows.ReadHeader())
            {
                yield break;
            }

            var n = 0;
            while (true)
            {
                if ((++n & 0x3FF) == 0)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                }

                if ((n & 0xFFF) == 0)
                {
                    // Counts are published every 4,096 rows (exactly at the end): one shared write per row, on the
                    // tokenizing thread while other stages count on another core, cost more than the counting itself.
                    Publish();
                }

                switch (rows.Next(out var row))
                {
                    case CrimeCsvRowReader.Outcome.End:
                        yield break;
                    case CrimeCsvRowReader.Outcome.MissingDescription:
                        missing++;
                        continue;
                    case CrimeCsvRowReader.Outcome.NotOfInterest:
                        notOfInterest++;
                        continue;
                    case CrimeCsvRowReader.Outcome.Row:
                        yield return row;
                        continue;
                }

                yield return row;
                if (row.Fatal || options.OnRowError == RowErrorPolicy.Throw)
                {
                    yield break;
                }
            }
        }
        finally
        {
            Publish();
        }

        void Publish()
        {
            // Rows the prefilter dropped are counted as read here; the rows handed on are counted by the builder.
            statistics.OnRowsRead(missing + notOfInterest, missing + notOfInterest);
            prefilter?.Count(missing, notOfInterest);
            statistics.OnLinesRead(rows.LinesRead - linesCounted);
            linesCounted = rows.LinesRead;
            missing = 0;
            notOfInterest = 0;
        }
    }

    /// <summary>The building stage: every row handed on is counted as read, and becomes a record or a skipped row (or is thrown).</summary>
    private static IEnumerable<CrimeRecord> Build(IEnumerable<TokenizedRow> rows, CrimeCsvOptions options, ReadStatistics statistics)
    {
        var rowsRead = 0L;
        try
        {
            foreach (var row in rows)
            {
                rowsRead++;
                if ((rowsRead & 0xFFF) == 0)
                {
                    Publish();
                }

                var error = row.Error;
                if (error is null)
                {
                    error = row.Builder!.Build(row, out var record);
                    if (error is null)
                    {
                        yield return record!;
                        continue;
                    }
                }

                if (options.OnRowError == RowErrorPolicy.Throw)
                {
                    throw new CrimeDataException(error);
                }

                Publish(); // the rows before it first: live views never see more skipped rows than rows read
                statistics.OnRowSkipped(error);
                if (row.Fatal)
                {
                    statistics.OnReadingStopped(error);
                    yield break;
                }
            }
        }
        finally
        {
            Publish();
        }

        void Publish()
        {
            statistics.OnRowsRead(rowsRead, 0);
            rowsRead = 0;
        }
    }
}
