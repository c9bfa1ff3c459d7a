using System.Globalization;
using System.Runtime.CompilerServices;
using CsvHelper;
using CsvHelper.Configuration;

namespace CrimeStreaming.Csv;

/// <summary>Turns CsvHelper's raw rows into tokenized rows (their fields and lines) or row errors; owns the parser.</summary>
/// <remarks>
/// <para>CsvHelper tokenizes. Physical lines come from the <see cref="LineTrackingReader"/> it reads through: a row
/// spans the lines of its first and last characters (CsvHelper's <see cref="CsvParser.CharCount"/>), so blank lines,
/// line breaks inside quotes and every line ending are accounted for exactly.</para>
/// <para>A field longer than <see cref="CrimeCsvOptions.MaxFieldLength"/> makes CsvHelper throw part-way through it.
/// Outside quotes its row is skipped: further reads carry CsvHelper through the rest of the field (the pieces are
/// dropped) to the end of the row, quoted fields after it included, and reading resumes. Inside quotes the end of the
/// row cannot be told from an unterminated quote, so reading stops with a fatal error.</para>
/// </remarks>
internal sealed class CrimeCsvRowReader : IDisposable
{
    private readonly string _source;
    private readonly CrimeCsvOptions _options;
    private readonly LineTrackingReader _lines;
    private readonly CsvParser _parser;
    private readonly DescriptionPrefilter? _prefilter;
    private readonly long _maxRowLength;
    private CrimeCsvRecordBuilder _builder = null!;
    private string? _badData;
    private long _quotedLineBreaks;
    private Attempt? _pending;

    public CrimeCsvRowReader(TextReader reader, string source, CrimeCsvOptions options, DescriptionPrefilter? prefilter = null)
    {
        _source = source;
        _options = options;
        _prefilter = prefilter;
        _maxRowLength = Math.Max(4L * options.MaxFieldLength, 1 << 20);
        _lines = new LineTrackingReader(reader);
        // Every malformed field holds a quote; the check ignores the flag CsvHelper can carry over to the first field
        // after a field it stopped in (see Overflowed).
        _parser = new CsvParser(_lines, Configuration(options, args => _badData ??= args.Field.Contains('"', StringComparison.Ordinal) ? args.Field : null));
    }

    public enum Outcome
    {
        End,

        /// <summary>A row to build (<see cref="CrimeCsvRecordBuilder.Build"/>); building may still find an error in it.</summary>
        Row,

        /// <summary>A row error (<see cref="TokenizedRow.Fatal"/> when reading cannot go on).</summary>
        Error,

        /// <summary>Dropped by the prefilter for a missing description, before the rest of the row was parsed.</summary>
        MissingDescription,

        /// <summary>Dropped by the prefilter as not a crime of interest, before the rest of the row was parsed.</summary>
        NotOfInterest,
    }

    private enum Step
    {
        End,
        Row,

        /// <summary>CsvHelper stopped inside a field longer than the limit.</summary>
        Overflow,

        /// <summary>CsvHelper failed otherwise.</summary>
        Unreadable,
    }

    /// <summary>How CsvHelper is configured to read the file, with <paramref name="badDataFound"/> told of malformed fields.</summary>
    public static CsvConfiguration Configuration(CrimeCsvOptions options, BadDataFound badDataFound) => new(CultureInfo.InvariantCulture)
    {
        BadDataFound = badDataFound,
        MaxFieldSize = options.MaxFieldLength,
        DetectColumnCountChanges = false,
        IgnoreBlankLines = true,
        CacheFields = false,
    };

    /// <summary>Physical lines read so far (header and blank lines included).</summary>
    public long LinesRead => _lines.LinesRead;

    /// <summary>Reads the header and resolves the schema; <see langword="false"/> for an empty file.</summary>
    public bool ReadHeader()
    {
        var first = Read();
        switch (first.Step)
        {
            case Step.End:
                return false;
            case Step.Overflow:
                throw new CrimeSchemaException(_source, $"the header line has a field longer than {_options.MaxFieldLength:N0} characters; it cannot be read as CSV.");
            case Step.Unreadable:
                throw new CrimeSchemaException(_source, $"the header line cannot be read as CSV: {first.Failure}.");
        }

        var header = new string[_parser.Count];
        for (var i = 0; i < header.Length; i++)
        {
            header[i] = CrimeCsvSchema.Normalize(_parser[i] ?? string.Empty);
        }

        var schema = _options.Schema ?? CrimeCsvSchema.Detect(header);
        if (schema is null)
        {
            var missing = string.Join("; ", CrimeCsvSchema.Known.Select(s => $"{s.Name} lacks {string.Join(", ", s.MissingColumns(header).Select(c => $"'{c}'"))}"));
            throw new CrimeSchemaException(_source, $"the header matches no known crime schema ({missing}). Pass a CrimeCsvSchema to read another layout.");
        }

        var absent = schema.MissingColumns(header);
        if (absent.Count > 0)
        {
            throw new CrimeSchemaException(_source, $"required columns missing for schema {schema.Name}: {string.Join(", ", absent.Select(c => $"'{c}'"))}. Known schemas: {string.Join(", ", CrimeCsvSchema.Known.Select(s => s.Name))}.");
        }

        _builder = new CrimeCsvRecordBuilder(_source, _options, schema, header);
        return true;
    }

    /// <summary>Reads the next row: its fields for the record builder, an error, or why the prefilter dropped it.</summary>
    /// <param name="row">For <see cref="Outcome.Row"/>, the row's fields; for an error, the error.</param>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public Outcome Next(out TokenizedRow row)
    {
        row = default;
        _badData = null;
        var resumed = _pending is not null;
        var attempt = _pending ?? Read();
        _pending = null;
        switch (attempt.Step)
        {
            case Step.End:
                return Outcome.End;
            case Step.Overflow:
                row = Overflowed(attempt);
                return Outcome.Error;
            case Step.Unreadable:
                row = Fatal(_lines.LineAt(attempt.Start), $"{attempt.Failure}: CsvHelper cannot read on");
                return Outcome.Error;
        }

        var line = _lines.LineAt(attempt.Start);
        if (_parser.CharCount - attempt.Start > _maxRowLength)
        {
            var last = EndLine(attempt);
            row = TokenizedRow.Failed(new RowError(_source, line, null, null, "row too long",
                $"the row is longer than {_maxRowLength:N0} characters (4 × CrimeCsvOptions.MaxFieldLength, at least 1,048,576); {Lines(line, last)} skipped, reading resumed after it.")
            {
                EndLine = last,
            });
            return Outcome.Error;
        }

        if (_parser.Count != _builder.FieldCount)
        {
            var endLine = attempt.SpansLines ? EndLine(attempt) : line;
            var span = endLine > line ? $"; the row spans lines {line}-{endLine}, so a quote is probably not closed" : string.Empty;
            row = TokenizedRow.Failed(new RowError(_source, line, null, CrimeCsvRecordBuilder.Truncate(_parser.Count > 0 ? _parser[0] : null), "wrong field count",
                $"expected {_builder.FieldCount} fields, found {_parser.Count}{span}.")
            {
                EndLine = endLine,
            });
            return Outcome.Error;
        }

        if (_prefilter is not null)
        {
            switch (_prefilter.Decide(_parser[_builder.CrimeDescription]))
            {
                // Counted by the caller, in batches.
                case DescriptionPrefilter.Decision.Missing:
                    return Outcome.MissingDescription;
                case DescriptionPrefilter.Decision.NotOfInterest:
                    return Outcome.NotOfInterest;
            }
        }

        if (attempt is { SpansLines: false, BlankLines: 0 } && !resumed)
        {
            // One string of the row's text: the builder splits it on its own thread (CsvRecordSplitter), which costs
            // this thread less than a string of each field.
            row = TokenizedRow.Text(_builder, _parser.RawRecord, line, _badData);
            return Outcome.Row;
        }

        // Rows spanning lines, after blank lines or read on after a field too long (rare): fields taken out here, where
        // CsvHelper still holds the row as it read it in the stream.
        var fields = new string?[_builder.FieldCount];
        foreach (var index in _builder.UsedColumns)
        {
            fields[index] = _parser[index];
        }

        row = TokenizedRow.Row(_builder, fields, line, attempt.SpansLines ? EndLine(attempt) : line, _badData);
        return Outcome.Row;
    }

    public void Dispose() => _parser.Dispose();

    /// <summary>One call of CsvHelper's <see cref="CsvParser.Read"/>, with where the row started.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private Attempt Read()
    {
        var charsBefore = _parser.CharCount;
        var rowBefore = _parser.Row;
        var step = Step.Row;
        string? raw = null;
        string? failure = null;
        try
        {
            if (!_parser.Read())
            {
                step = Step.End;
            }
        }
        catch (MaxFieldSizeException)
        {
            step = Step.Overflow;
            raw = _parser.RawRecord;
        }
        catch (CsvHelperException e)
        {
            step = Step.Unreadable;
            failure = e.GetType().Name;
        }

        // CsvHelper counts a skipped blank line in Row and RawRow, a line break inside quotes in RawRow only.
        var blankLines = _parser.Row - rowBefore - 1;
        var quotedLineBreaks = (long)_parser.RawRow - _parser.Row;
        var spansLines = quotedLineBreaks != _quotedLineBreaks;
        _quotedLineBreaks = quotedLineBreaks;

        // The row starts where the last one ended unless blank lines came first (rare: only then is RawRecord built).
        var start = charsBefore;
        if (raw is not null)
        {
            start = _parser.CharCount - raw.Length;
        }
        else if (blankLines > 0 && step != Step.End)
        {
            start = _parser.CharCount - _parser.RawRecord.Length;
        }

        return new Attempt(step, start, charsBefore, blankLines, spansLines, raw, failure);
    }

    /// <summary>The line of the last character CsvHelper consumed for the current row.</summary>
    private long EndLine(Attempt attempt) => _lines.LineAt(Math.Max(attempt.Start, _parser.CharCount - 1));

    /// <summary>
    /// CsvHelper threw <see cref="MaxFieldSizeException"/> with its position one character past the limit in a field:
    /// decides whether the row can be skipped and reading resumed, and finds where the row ends.
    /// </summary>
    private TokenizedRow Overflowed(Attempt attempt)
    {
        var line = _lines.LineAt(attempt.Start);
        long end;
        while (true)
        {
            // The field began MaxFieldLength + 1 characters before the one CsvHelper stopped at (and consumed).
            var raw = attempt.Raw!;
            var fieldStart = raw.Length - _options.MaxFieldLength - 2;
            if (fieldStart >= 0 && raw[fieldStart] == '"')
            {
                return Fatal(line, $"a quoted field from line {line} is longer than {_options.MaxFieldLength:N0} characters (CrimeCsvOptions.MaxFieldLength), probably an unterminated quote; inside quotes the end of the row cannot be found reliably");
            }

            if (raw[^1] is '\r' or '\n')
            {
                end = _lines.LineAt(_parser.CharCount - 1); // the field ended the row
                break;
            }

            // Outside quotes: read on through the rest of the field, dropping it, to the end of the row.
            var tail = Read();
            if (tail.BlankLines > 0)
            {
                // A line end right after the character consumed: CsvHelper took it for a blank line, so the row ended
                // there and what it read after is the next row.
                end = _lines.LineAt(tail.CharsBefore);
                _pending = tail.Step == Step.End ? null : tail;
                break;
            }

            if (tail.Step is Step.Row or Step.End)
            {
                end = EndLine(attempt);
                break;
            }

            if (tail.Step == Step.Unreadable)
            {
                return Fatal(line, $"{tail.Failure}: CsvHelper cannot read on");
            }

            attempt = tail;
        }

        return TokenizedRow.Failed(new RowError(_source, line, null, null, "field too long",
            $"a field is longer than {_options.MaxFieldLength:N0} characters (CrimeCsvOptions.MaxFieldLength); {Lines(line, end)} skipped, reading resumed after it.")
        {
            EndLine = end,
        });
    }

    /// <summary>Reading cannot go on: names every line not read (reading the rest only to count it, unless the error is thrown).</summary>
    private TokenizedRow Fatal(long line, string why)
    {
        if (_options.OnRowError == RowErrorPolicy.Skip)
        {
            _lines.Drain();
        }

        var last = Math.Max(line, _lines.LinesRead);
        return TokenizedRow.Failed(
            new RowError(_source, line, null, null, "field too long", $"{why}, so lines {line}-{last} were not read.") { EndLine = last },
            fatal: true);
    }

    private static string Lines(long first, long last) => first == last ? $"line {first}" : $"lines {first}-{last}";

    /// <summary>One read of CsvHelper: what came of it and where its row started.</summary>
    private readonly record struct Attempt(Step Step, long Start, long CharsBefore, int BlankLines, bool SpansLines, string? Raw, string? Failure);
}
