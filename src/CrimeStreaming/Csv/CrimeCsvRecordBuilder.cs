using System.Globalization;
using System.Runtime.CompilerServices;

namespace CrimeStreaming.Csv;

/// <summary>Builds a <see cref="CrimeRecord"/> out of a tokenized row, or says which field is wrong; holds the column indexes of the file's schema.</summary>
/// <remarks>
/// Immutable once made from the header, and reads nothing but the row it is given: rows are built on another thread
/// than the one tokenizing them (see <see cref="CrimeCsvReader"/>).
/// </remarks>
internal sealed class CrimeCsvRecordBuilder
{
    private const int MaxRawValueLength = 200;

    private readonly string _source;
    private readonly CrimeCsvOptions _options;
    private readonly ColumnMap _columns;
    private readonly CsvRecordSplitter _splitter;

    public CrimeCsvRecordBuilder(string source, CrimeCsvOptions options, CrimeCsvSchema schema, string[] header)
    {
        _source = source;
        _options = options;
        _columns = new ColumnMap(schema, header);
        FieldCount = header.Length;
        UsedColumns = [.. _columns.All.Where(index => index >= 0).Distinct().Order()];

        // CsvHelper reads the description first (the prefilter), then the other columns in order.
        int[] order = [_columns.CrimeDescription, .. UsedColumns.Where(c => c != _columns.CrimeDescription)];
        _splitter = new CsvRecordSplitter(FieldCount, order, bad => CrimeCsvRowReader.Configuration(options, bad), _columns.FewValues.Where(i => i >= 0).ToArray());
    }

    /// <summary>The number of fields of every row: the header's.</summary>
    public int FieldCount { get; }

    /// <summary>The header position of the crime description.</summary>
    public int CrimeDescription => _columns.CrimeDescription;

    /// <summary>The header positions a record is built from, ascending: the only fields the tokenizer must take out.</summary>
    public int[] UsedColumns { get; }

    /// <summary>Builds the record of <paramref name="row"/> (not an error), or gives the error that skips it.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public RowError? Build(in TokenizedRow row, out CrimeRecord? record)
    {
        var badData = row.BadData;
        var fields = row.Fields;
        if (fields is null)
        {
            fields = _splitter.Split(row.RawText!, out var found);
            badData ??= found;
        }

        var spansLines = row.EndLine > row.Line;
        var error = Parse(fields, row.Line, out record);
        if (error is null && badData is not null)
        {
            error = new RowError(_source, row.Line, null, Truncate(badData), "malformed quoting", "a quote appears inside an unquoted field or after a closing quote.");
        }

        if (error is null && spansLines)
        {
            error = LineBreakInSingleLineField(fields, row.Line, row.EndLine);
        }

        if (error is not null)
        {
            record = null;
            if (spansLines)
            {
                error = error with { EndLine = row.EndLine };
            }
        }

        return error;
    }

    /// <summary>A raw value cut to what an error shows.</summary>
    public static string? Truncate(string? value) =>
        value is null || value.Length <= MaxRawValueLength ? value : value[..MaxRawValueLength] + "…";

    /// <summary>
    /// A row spanning lines is legitimate when a quoted text field holds line breaks, but an identifier, code or name
    /// never does: one there means a quote opened on one line and closed on a later one, whose lines were swallowed.
    /// </summary>
    private RowError? LineBreakInSingleLineField(string?[] fields, long line, long endLine)
    {
        var c = _columns;
        foreach (var (index, name) in (ReadOnlySpan<(int, string)>)[(c.DrNumber, c.Schema.DrNumber), (c.AreaId, c.Schema.AreaId), (c.AreaName, c.Schema.AreaName), (c.CrimeCode, c.Schema.CrimeCode), (c.CrimeDescription, c.Schema.CrimeDescription)])
        {
            var value = fields[index] ?? string.Empty;
            if (value.AsSpan().IndexOfAny('\r', '\n') >= 0)
            {
                return Invalid(line, name, value, "line break in field", $"the row spans lines {line}-{endLine} and '{name}' holds a line break, so a quote is probably not closed where it should be.");
            }
        }

        return null;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private RowError? Parse(string?[] fields, long line, out CrimeRecord? record)
    {
        record = null;
        var c = _columns;

        var dr = Field(fields, c.DrNumber);
        if (dr.Length == 0)
        {
            return Missing(line, c.Schema.DrNumber);
        }

        var dateOccurredText = Field(fields, c.DateOccurred);
        if (!CrimeValueParser.TryParseDate(dateOccurredText, out var dateOccurred))
        {
            return Invalid(line, c.Schema.DateOccurred, dateOccurredText, "invalid date", "expected MM/DD/YYYY, MM/DD/YYYY hh:mm:ss AM, MM/DD/YYYY HH:MM or YYYY-MM-DD[THH:MM:SS].");
        }

        if (OutOfRange(line, c.Schema.DateOccurred, dateOccurredText, dateOccurred) is { } dateOccurredError)
        {
            return dateOccurredError;
        }

        var timeText = Field(fields, c.TimeOccurred);
        if (!CrimeValueParser.TryParseTimeOfDay(timeText, out var timeOccurred))
        {
            return Invalid(line, c.Schema.TimeOccurred, timeText, "invalid time", "expected HHMM (padded or not, e.g. 1 = 00:01, 2359) or HH:MM.");
        }

        DateOnly? dateReported = null;
        if (c.DateReported >= 0)
        {
            var text = Field(fields, c.DateReported);
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

        var areaId = Field(fields, c.AreaId);
        if (areaId.Length == 0)
        {
            return Missing(line, c.Schema.AreaId);
        }

        var areaName = Field(fields, c.AreaName);
        if (areaName.Length == 0)
        {
            return Missing(line, c.Schema.AreaName);
        }

        var crimeCode = Field(fields, c.CrimeCode);
        if (crimeCode.Length == 0)
        {
            return Missing(line, c.Schema.CrimeCode);
        }

        int? victimAge = null;
        if (c.VictimAge >= 0)
        {
            var text = Field(fields, c.VictimAge);
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
            var text = Field(fields, c.Location);
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
            var latText = Field(fields, c.Latitude);
            var lonText = Field(fields, c.Longitude);
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

        var description = Optional(fields, c.CrimeDescription);
        record = new CrimeRecord
        {
            DrNumber = dr,
            DateReported = dateReported,
            DateOccurred = dateOccurred,
            TimeOccurred = timeOccurred,
            AreaId = areaId,
            AreaName = areaName,
            ReportingDistrict = Optional(fields, c.ReportingDistrict),
            Part = Optional(fields, c.Part),
            CrimeCode = crimeCode,
            CrimeDescription = description,
            MoCodes = Optional(fields, c.MoCodes),
            VictimAge = victimAge,
            VictimSex = Optional(fields, c.VictimSex),
            VictimDescent = Optional(fields, c.VictimDescent),
            PremiseCode = Optional(fields, c.PremiseCode),
            PremiseDescription = Optional(fields, c.PremiseDescription),
            WeaponCode = Optional(fields, c.WeaponCode),
            WeaponDescription = Optional(fields, c.WeaponDescription),
            StatusCode = Optional(fields, c.StatusCode),
            StatusDescription = Optional(fields, c.StatusDescription),
            CrimeCode1 = Optional(fields, c.CrimeCode1),
            CrimeCode2 = Optional(fields, c.CrimeCode2),
            CrimeCode3 = Optional(fields, c.CrimeCode3),
            CrimeCode4 = Optional(fields, c.CrimeCode4),
            Address = Optional(fields, c.Address),
            CrossStreet = Optional(fields, c.CrossStreet),
            Location = location,
        };
        return null;
    }

    private RowError? OutOfRange(long line, string field, string text, DateOnly date) =>
        date < _options.EarliestDate || date > _options.LatestDate
            ? Invalid(line, field, text, "date out of range", $"expected a date from {_options.EarliestDate:yyyy-MM-dd} to {_options.LatestDate:yyyy-MM-dd} (CrimeCsvOptions.EarliestDate and LatestDate).")
            : null;

    private RowError Missing(long line, string field) =>
        new(_source, line, field, null, "missing value", $"the required field '{field}' is empty.");

    private RowError Invalid(long line, string field, string value, string reason, string detail) =>
        new(_source, line, field, Truncate(value), reason, detail);

    private static string Field(string?[] fields, int index) => fields[index] ?? string.Empty;

    private static string? Optional(string?[] fields, int index)
    {
        if (index < 0)
        {
            return null;
        }

        var text = fields[index];
        return string.IsNullOrEmpty(text) ? null : text;
    }

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
            All =
            [
                DrNumber, DateReported, DateOccurred, TimeOccurred, AreaId, AreaName, ReportingDistrict, Part, CrimeCode,
                CrimeDescription, MoCodes, VictimAge, VictimSex, VictimDescent, PremiseCode, PremiseDescription, WeaponCode,
                WeaponDescription, StatusCode, StatusDescription, CrimeCode1, CrimeCode2, CrimeCode3, CrimeCode4, Address,
                CrossStreet, Location, Latitude, Longitude,
            ];
        }

        /// <summary>Every position above, -1 for an absent column.</summary>
        public int[] All { get; }

        /// <summary>
        /// The columns of a few thousand distinct values at most over a city file (areas, codes, descriptions, victim
        /// age, sex and descent, dates and times), -1 for an absent one; not the ids, addresses, MO codes or coordinates.
        /// </summary>
        public int[] FewValues =>
        [
            DateReported, DateOccurred, TimeOccurred, AreaId, AreaName, ReportingDistrict, Part, CrimeCode, CrimeDescription,
            VictimAge, VictimSex, VictimDescent, PremiseCode, PremiseDescription, WeaponCode, WeaponDescription, StatusCode,
            StatusDescription, CrimeCode1, CrimeCode2, CrimeCode3, CrimeCode4,
        ];

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
