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
        return ReadFileIterator(path, options, statistics ?? new ReadStatistics(), cancellationToken);
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
        return ReadIterator(reader, sourceName, options, statistics ?? new ReadStatistics(), cancellationToken);
    }

    /// <summary>Streams the file's records, dropping rows on their description alone before parsing the rest (see <see cref="DescriptionPrefilter"/>).</summary>
    internal static IEnumerable<CrimeRecord> ReadFile(string path, CrimeCsvOptions options, ReadStatistics statistics, DescriptionPrefilter? prefilter, CancellationToken cancellationToken)
    {
        options.Validate();
        return ReadFileIterator(path, options, statistics, cancellationToken, prefilter);
    }

    /// <summary>Streams the records read from <paramref name="reader"/>, dropping rows on their description alone before parsing the rest.</summary>
    internal static IEnumerable<CrimeRecord> Read(TextReader reader, string sourceName, CrimeCsvOptions options, ReadStatistics statistics, DescriptionPrefilter? prefilter, CancellationToken cancellationToken)
    {
        options.Validate();
        return ReadIterator(reader, sourceName, options, statistics, cancellationToken, prefilter);
    }

    private static IEnumerable<CrimeRecord> ReadFileIterator(string path, CrimeCsvOptions options, ReadStatistics statistics, CancellationToken cancellationToken, DescriptionPrefilter? prefilter = null)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan);
        using var text = new StreamReader(stream, System.Text.Encoding.UTF8, detectEncodingFromByteOrderMarks: true, bufferSize: 1 << 16);
        foreach (var record in ReadIterator(text, path, options, statistics, cancellationToken, prefilter))
        {
            yield return record;
        }
    }

    private static IEnumerable<CrimeRecord> ReadIterator(TextReader reader, string sourceName, CrimeCsvOptions options, ReadStatistics statistics, CancellationToken cancellationToken, DescriptionPrefilter? prefilter = null)
    {
        using var rows = new CrimeCsvRowReader(reader, sourceName, options, prefilter);
        var linesCounted = 0L;
        var rowsRead = 0L;
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

                var outcome = rows.Next(out var record, out var error);
                if (outcome == CrimeCsvRowReader.Outcome.End)
                {
                    yield break;
                }

                rowsRead++;
                if ((n & 0xFFF) == 0)
                {
                    // Counts are published every 4,096 rows (exactly at the end): one shared write per row, on the
                    // reader thread while other stages count on another core, cost more than the counting itself.
                    Publish();
                }

                // Counted as prefiltered here and as filtered out by the prefilter, both in batches.
                if (outcome == CrimeCsvRowReader.Outcome.MissingDescription)
                {
                    missing++;
                    continue;
                }

                if (outcome == CrimeCsvRowReader.Outcome.NotOfInterest)
                {
                    notOfInterest++;
                    continue;
                }

                if (outcome == CrimeCsvRowReader.Outcome.Record)
                {
                    yield return record!;
                    continue;
                }

                if (options.OnRowError == RowErrorPolicy.Throw)
                {
                    throw new CrimeDataException(error!);
                }

                Publish(); // the rows before it first: live views never see more skipped rows than rows read
                statistics.OnRowSkipped(error!);
                if (outcome == CrimeCsvRowReader.Outcome.FatalError)
                {
                    statistics.OnReadingStopped(error!);
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
            statistics.OnRowsRead(rowsRead, missing + notOfInterest);
            prefilter?.Count(missing, notOfInterest);
            statistics.OnLinesRead(rows.LinesRead - linesCounted);
            linesCounted = rows.LinesRead;
            rowsRead = 0;
            missing = 0;
            notOfInterest = 0;
        }
    }
}
