using System.Globalization;
using CsvHelper;
using CsvHelper.Configuration;

namespace CrimeStreaming.Csv;

/// <summary>Turns CsvHelper's raw rows into records or row errors; owns the parser and the column indexes.</summary>
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
    private const int MaxRawValueLength = 200;

    private readonly string _source;
    private readonly CrimeCsvOptions _options;
    private readonly LineTrackingReader _lines;
    private readonly CsvParser _parser;
    private readonly DescriptionPrefilter? _prefilter;
    private readonly long _maxRowLength;
    private ColumnMap _columns = null!;
    private int _fieldCount;
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
        var config = new CsvConfiguration(CultureInfo.InvariantCulture)
        {
            // Every malformed field holds a quote; the check ignores the flag CsvHelper can carry over to the first
            // field after a field it stopped in (see Overflowed).
            BadDataFound = args => _badData ??= args.Field.Contains('"', StringComparison.Ordinal) ? args.Field : null,
            MaxFieldSize = options.MaxFieldLength,
            DetectColumnCountChanges = false,
            IgnoreBlankLines = true,
            CacheFields = false,
        };
        _parser = new CsvParser(_lines, config);
    }

    public enum Outcome
    {
        End,
        Record,
        Error,
        FatalError,

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

        _columns = new ColumnMap(schema, header);
        _fieldCount = header.Length;
        return true;
    }

    public Outcome Next(out CrimeRecord? record, out RowError? error)
    {
        record = null;
        error = null;
        _badData = null;
        var attempt = _pending ?? Read();
        _pending = null;
        switch (attempt.Step)
        {
            case Step.End:
                return Outcome.End;
            case Step.Overflow:
                return Overflowed(attempt, out error);
            case Step.Unreadable:
                var at = _lines.LineAt(attempt.Start);
                return Fatal(at, $"{attempt.Failure}: CsvHelper cannot read on", out error);
        }

        var line = _lines.LineAt(attempt.Start);
        if (_parser.CharCount - attempt.Start > _maxRowLength)
        {
            var last = EndLine(attempt);
            error = new RowError(_source, line, null, null, "row too long",
                $"the row is longer than {_maxRowLength:N0} characters (4 × CrimeCsvOptions.MaxFieldLength, at least 1,048,576); {Lines(line, last)} skipped, reading resumed after it.")
            {
                EndLine = last,
            };
            return Outcome.Error;
        }

        if (_parser.Count != _fieldCount)
        {
            var endLine = attempt.SpansLines ? EndLine(attempt) : line;
            var span = endLine > line ? $"; the row spans lines {line}-{endLine}, so a quote is probably not closed" : string.Empty;
            error = new RowError(_source, line, null, Truncate(_parser.Count > 0 ? _parser[0] : null), "wrong field count",
                $"expected {_fieldCount} fields, found {_parser.Count}{span}.")
            {
                EndLine = endLine,
            };
            return Outcome.Error;
        }

        switch (_prefilter?.Decide(_parser[_columns.CrimeDescription]))
        {
            // Counted by the caller, in batches.
            case DescriptionPrefilter.Decision.Missing:
                return Outcome.MissingDescription;
            case DescriptionPrefilter.Decision.NotOfInterest:
                return Outcome.NotOfInterest;
        }

        error = Parse(line, out record);
        if (error is null && _badData is not null)
        {
            error = new RowError(_source, line, null, Truncate(_badData), "malformed quoting", "a quote appears inside an unquoted field or after a closing quote.");
        }

        if (error is null && attempt.SpansLines)
        {
            error = LineBreakInSingleLineField(line, EndLine(attempt));
        }

        if (error is not null)
        {
            record = null;
            if (attempt.SpansLines)
            {
                error = error with { EndLine = EndLine(attempt) };
            }
        }

        return error is null ? Outcome.Record : Outcome.Error;
    }

    public void Dispose() => _parser.Dispose();

    /// <summary>One call of CsvHelper's <see cref="CsvParser.Read"/>, with where the row started.</summary>
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
    private Outcome Overflowed(Attempt attempt, out RowError error)
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
                return Fatal(line, $"a quoted field from line {line} is longer than {_options.MaxFieldLength:N0} characters (CrimeCsvOptions.MaxFieldLength), probably an unterminated quote; inside quotes the end of the row cannot be found reliably", out error);
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
                return Fatal(line, $"{tail.Failure}: CsvHelper cannot read on", out error);
            }

            attempt = tail;
        }

        error = new RowError(_source, line, null, null, "field too long",
            $"a field is longer than {_options.MaxFieldLength:N0} characters (CrimeCsvOptions.MaxFieldLength); {Lines(line, end)} skipped, reading resumed after it.")
        {
            EndLine = end,
        };
        return Outcome.Error;
    }

    /// <summary>Reading cannot go on: names every line not read (reading the rest only to count it, unless the error is thrown).</summary>
    private Outcome Fatal(long line, string why, out RowError error)
    {
        if (_options.OnRowError == RowErrorPolicy.Skip)
        {
            _lines.Drain();
        }

        var last = Math.Max(line, _lines.LinesRead);
        error = new RowError(_source, line, null, null, "field too long", $"{why}, so lines {line}-{last} were not read.")
        {
            EndLine = last,
        };
        return Outcome.FatalError;
    }

    /// <summary>
    /// A row spanning lines is legitimate when a quoted text field holds line breaks, but an identifier, code or name
    /// never does: one there means a quote opened on one line and closed on a later one, whose lines were swallowed.
    /// </summary>
    private RowError? LineBreakInSingleLineField(long line, long endLine)
    {
        var c = _columns;
        foreach (var (index, name) in (ReadOnlySpan<(int, string)>)[(c.DrNumber, c.Schema.DrNumber), (c.AreaId, c.Schema.AreaId), (c.AreaName, c.Schema.AreaName), (c.CrimeCode, c.Schema.CrimeCode), (c.CrimeDescription, c.Schema.CrimeDescription)])
        {
            var value = _parser[index] ?? string.Empty;
            if (value.AsSpan().IndexOfAny('\r', '\n') >= 0)
            {
                return Invalid(line, name, value, "line break in field", $"the row spans lines {line}-{endLine} and '{name}' holds a line break, so a quote is probably not closed where it should be.");
            }
        }

        return null;
    }

    private static string Lines(long first, long last) => first == last ? $"line {first}" : $"lines {first}-{last}";

    /// <summary>One read of CsvHelper: what came of it and where its row started.</summary>
    private readonly record struct Attempt(Step Step, long Start, long CharsBefore, int BlankLines, bool SpansLines, string? Raw, string? Failure);

    private RowError? Parse(long line, out CrimeRecord? record)
    {
        record = null;
        var c = _columns;

        var dr = Field(c.DrNumber);
        if (dr.Length == 0)
        {
            return Missing(line, c.Schema.DrNumber);
        }

        var dateOccurredText = Field(c.DateOccurred);
        if (!CrimeValueParser.TryParseDate(dateOccurredText, out var dateOccurred))
        {
            return Invalid(line, c.Schema.DateOccurred, dateOccurredText, "invalid date", "expected MM/DD/YYYY, MM/DD/YYYY hh:mm:ss AM, MM/DD/YYYY HH:MM or YYYY-MM-DD[THH:MM:SS].");
        }

        if (OutOfRange(line, c.Schema.DateOccurred, dateOccurredText, dateOccurred) is { } dateOccurredError)
        {
            return dateOccurredError;
        }

        var timeText = Field(c.TimeOccurred);
        if (!CrimeValueParser.TryParseTimeOfDay(timeText, out var timeOccurred))
        {
            return Invalid(line, c.Schema.TimeOccurred, timeText, "invalid time", "expected HHMM (padded or not, e.g. 1 = 00:01, 2359) or HH:MM.");
        }

        DateOnly? dateReported = null;
        if (c.DateReported >= 0)
        {
            var text = Field(c.DateReported);
            if (text.Length > 0)
            {
                if (!CrimeValueParser.TryParseDate(text, out var d))
                {
                    return Invalid(line, c.Schema.DateReported!, text, "invalid date", "expected MM/DD/YYYY, MM/DD/YYYY hh:mm:ss AM, MM/DD/YYYY HH:MM or YYYY-MM-DD[THH:MM:SS].");
                }

                if (OutOfRange(line, c.Schema.DateReported!, text, d) is { } dateReportedError)
                {
                    return dateReportedError;
                }

                dateReported = d;
            }
        }

        var areaId = Field(c.AreaId);
        if (areaId.Length == 0)
        {
            return Missing(line, c.Schema.AreaId);
        }

        var areaName = Field(c.AreaName);
        if (areaName.Length == 0)
        {
            return Missing(line, c.Schema.AreaName);
        }

        var crimeCode = Field(c.CrimeCode);
        if (crimeCode.Length == 0)
        {
            return Missing(line, c.Schema.CrimeCode);
        }

        int? victimAge = null;
        if (c.VictimAge >= 0)
        {
            var text = Field(c.VictimAge);
            if (text.Length > 0)
            {
                if (!int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var age))
                {
                    return Invalid(line, c.Schema.VictimAge!, text, "invalid number", "expected a whole number.");
                }

                victimAge = age;
            }
        }

        GeoPoint? location = null;
        if (c.Location >= 0)
        {
            var text = Field(c.Location);
            if (text.Length > 0)
            {
                if (!CrimeValueParser.TryParseLocation(text, out location))
                {
                    return Invalid(line, c.Schema.Location!, text, "invalid location", "expected \"(latitude, longitude)\" in degrees.");
                }
            }
        }
        else if (c.Latitude >= 0 && c.Longitude >= 0)
        {
            var latText = Field(c.Latitude);
            var lonText = Field(c.Longitude);
            if (latText.Length > 0 || lonText.Length > 0)
            {
                if (!CrimeValueParser.TryParseCoordinate(latText, 90, out var lat))
                {
                    return Invalid(line, c.Schema.Latitude!, latText, "invalid location", "expected a latitude in degrees, -90 to 90.");
                }

                if (!CrimeValueParser.TryParseCoordinate(lonText, 180, out var lon))
                {
                    return Invalid(line, c.Schema.Longitude!, lonText, "invalid location", "expected a longitude in degrees, -180 to 180.");
                }

                location = CrimeValueParser.KnownLocation(lat, lon);
            }
        }

        var description = Optional(c.CrimeDescription);
        record = new CrimeRecord
        {
            DrNumber = dr,
            DateReported = dateReported,
            DateOccurred = dateOccurred,
            TimeOccurred = timeOccurred,
            AreaId = areaId,
            AreaName = areaName,
            ReportingDistrict = Optional(c.ReportingDistrict),
            Part = Optional(c.Part),
            CrimeCode = crimeCode,
            CrimeDescription = description,
            MoCodes = Optional(c.MoCodes),
            VictimAge = victimAge,
            VictimSex = Optional(c.VictimSex),
            VictimDescent = Optional(c.VictimDescent),
            PremiseCode = Optional(c.PremiseCode),
            PremiseDescription = Optional(c.PremiseDescription),
            WeaponCode = Optional(c.WeaponCode),
            WeaponDescription = Optional(c.WeaponDescription),
            StatusCode = Optional(c.StatusCode),
            StatusDescription = Optional(c.StatusDescription),
            CrimeCode1 = Optional(c.CrimeCode1),
            CrimeCode2 = Optional(c.CrimeCode2),
            CrimeCode3 = Optional(c.CrimeCode3),
            CrimeCode4 = Optional(c.CrimeCode4),
            Address = Optional(c.Address),
            CrossStreet = Optional(c.CrossStreet),
            Location = location,
        };
        return null;
    }

    private RowError? OutOfRange(long line, string field, string text, DateOnly date) =>
        date < _options.EarliestDate || date > _options.LatestDate
            ? Invalid(line, field, text, "date out of range", $"expected a date from {_options.EarliestDate:yyyy-MM-dd} to {_options.LatestDate:yyyy-MM-dd} (CrimeCsvOptions.EarliestDate and LatestDate).")
            : null;

    private string Field(int index) => _parser[index] ?? string.Empty;

    private string? Optional(int index)
    {
        if (index < 0)
        {
            return null;
        }

        var text = _parser[index];
        return string.IsNullOrEmpty(text) ? null : text;
    }


    private RowError Missing(long line, string field) =>
        new(_source, line, field, null, "missing value", $"the required field '{field}' is empty.");

    private RowError Invalid(long line, string field, string value, string reason, string detail) =>
        new(_source, line, field, Truncate(value), reason, detail);

    private static string? Truncate(string? value) =>
        value is null || value.Length <= MaxRawValueLength ? value : value[..MaxRawValueLength] + "…";

    /// <summary>Header positions of the schema's columns (-1 when absent).</summary>
    private sealed class ColumnMap
    {
        public ColumnMap(CrimeCsvSchema schema, string[] header)
        {
            Schema = schema;
            int Find(string? name)
            {
                if (name is null)
                {
                    return -1;
                }

                var wanted = CrimeCsvSchema.Normalize(name);
                return Array.FindIndex(header, h => string.Equals(h, wanted, StringComparison.OrdinalIgnoreCase));
            }

            DrNumber = Find(schema.DrNumber);
            DateReported = Find(schema.DateReported);
            DateOccurred = Find(schema.DateOccurred);
            TimeOccurred = Find(schema.TimeOccurred);
            AreaId = Find(schema.AreaId);
            AreaName = Find(schema.AreaName);
            ReportingDistrict = Find(schema.ReportingDistrict);
            Part = Find(schema.Part);
            CrimeCode = Find(schema.CrimeCode);
            CrimeDescription = Find(schema.CrimeDescription);
            MoCodes = Find(schema.MoCodes);
            VictimAge = Find(schema.VictimAge);
            VictimSex = Find(schema.VictimSex);
            VictimDescent = Find(schema.VictimDescent);
            PremiseCode = Find(schema.PremiseCode);
            PremiseDescription = Find(schema.PremiseDescription);
            WeaponCode = Find(schema.WeaponCode);
            WeaponDescription = Find(schema.WeaponDescription);
            StatusCode = Find(schema.StatusCode);
            StatusDescription = Find(schema.StatusDescription);
            CrimeCode1 = Find(schema.CrimeCode1);
            CrimeCode2 = Find(schema.CrimeCode2);
            CrimeCode3 = Find(schema.CrimeCode3);
            CrimeCode4 = Find(schema.CrimeCode4);
            Address = Find(schema.Address);
            CrossStreet = Find(schema.CrossStreet);
            Location = Find(schema.Location);
            Latitude = Find(schema.Latitude);
            Longitude = Find(schema.Longitude);
        }

        public CrimeCsvSchema Schema { get; }

        public int DrNumber { get; }

        public int DateReported { get; }

        public int DateOccurred { get; }

        public int TimeOccurred { get; }

        public int AreaId { get; }

        public int AreaName { get; }

        public int ReportingDistrict { get; }

        public int Part { get; }

        public int CrimeCode { get; }

        public int CrimeDescription { get; }

        public int MoCodes { get; }

        public int VictimAge { get; }

        public int VictimSex { get; }

        public int VictimDescent { get; }

        public int PremiseCode { get; }

        public int PremiseDescription { get; }

        public int WeaponCode { get; }

        public int WeaponDescription { get; }

        public int StatusCode { get; }

        public int StatusDescription { get; }

        public int CrimeCode1 { get; }

        public int CrimeCode2 { get; }

        public int CrimeCode3 { get; }

        public int CrimeCode4 { get; }

        public int Address { get; }

        public int CrossStreet { get; }

        public int Location { get; }

        public int Latitude { get; }

        public int Longitude { get; }
    }
}
