using System.Globalization;
using System.IO.Compression;
using System.Text;
using CrimeStreaming.Csv;

namespace CrimeStreaming.Generation;

/// <summary>
/// Writes LAPD-shaped CSV files of any size, seeded, streaming in constant memory — for scale tests and benchmarks
/// that should look like the real data.
/// </summary>
/// <remarks>
/// <para>The distributions are learnt from the real 2020 sample embedded in the library (6,000 LAPD rows): each
/// generated row takes its crime (code, description, modus operandi, victim, premise, weapon, status, time of day and
/// report delay) from one real row, so their joint distribution is the real one, and its place (reporting district,
/// address, cross street, coordinates with ±0.002° of jitter) from another real row of the same area. Occurrence days
/// are uniform over [<see cref="LapdGeneratorOptions.From"/>, <see cref="LapdGeneratorOptions.To"/>]. DR numbers are
/// unique: year, area and a sequence number.</para>
/// <para>The 2020 layout writes both date forms of the real file (<c>MM/DD/YYYY HH:MM</c> for days up to the 12th,
/// <c>MM/DD/YYYY hh:mm:ss AM</c> otherwise); unknown locations stay (0, 0), at the sample's rate.</para>
/// </remarks>
public static class LapdCsvGenerator
{
    private const string Header2020 = "DR_NO,Date Rptd,DATE OCC,TIME OCC,AREA,AREA NAME,Rpt Dist No,Part 1-2,Crm Cd,Crm Cd Desc,Mocodes,Vict Age,Vict Sex,Vict Descent,Premis Cd,Premis Desc,Weapon Used Cd,Weapon Desc,Status,Status Desc,Crm Cd 1,Crm Cd 2,Crm Cd 3,Crm Cd 4,LOCATION,Cross Street,LAT,LON";
    private const string Header2010 = "DR Number,Date Reported,Date Occurred,Time Occurred,Area ID,Area Name,Reporting District,Crime Code,Crime Code Description,MO Codes,Victim Age,Victim Sex,Victim Descent,Premise Code,Premise Description,Weapon Used Code,Weapon Description,Status Code,Status Description,Crime Code 1,Crime Code 2,Crime Code 3,Crime Code 4,Address,Cross Street,Location ";
    private static readonly Lazy<Model> Learnt = new(Model.Load);

    /// <summary>Writes the file at <paramref name="path"/> (overwriting it).</summary>
    /// <exception cref="InvalidOptionsException"><paramref name="options"/> are invalid (checked before the file is touched).</exception>
    public static void WriteFile(string path, LapdGeneratorOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        using var stream = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 20);
        using var writer = new StreamWriter(stream, new UTF8Encoding(false), 1 << 20);
        Write(writer, options, cancellationToken);
    }

    /// <summary>Writes the header and <see cref="LapdGeneratorOptions.Rows"/> rows to <paramref name="writer"/> (LF line ends).</summary>
    /// <exception cref="InvalidOptionsException"><paramref name="options"/> are invalid.</exception>
    public static void Write(TextWriter writer, LapdGeneratorOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(options);
        options = options.Clone(); // a copy: another thread changing the caller's object cannot change a write under way
        options.Validate();
        var model = Learnt.Value;
        var modern = options.Schema == CrimeCsvSchema.Lapd2020ToPresent;
        var random = new Random(options.Seed);
        var days = options.To.DayNumber - options.From.DayNumber + 1;
        var dateTexts = new Dictionary<int, string>();
        var sequences = new Dictionary<(int Year, int Area), int>();
        Span<char> number = stackalloc char[32];
        writer.Write(modern ? Header2020 : Header2010);
        writer.Write('\n');
        for (long i = 0; i < options.Rows; i++)
        {
            if ((i & 0xFFFF) == 0)
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (i > 0)
                {
                    options.Progress?.Report(i);
                }
            }

            var crime = model.Crimes[random.Next(model.Crimes.Length)];
            var places = model.PlacesByArea[crime.AreaIndex];
            var place = places[random.Next(places.Length)];
            var occurred = DateOnly.FromDayNumber(options.From.DayNumber + random.Next(days));
            var reported = DateOnly.FromDayNumber(occurred.DayNumber + crime.ReportDelayDays);
            var jitterLat = (random.NextDouble() - 0.5) * 0.004;
            var jitterLon = (random.NextDouble() - 0.5) * 0.004;

            var key = (occurred.Year, crime.AreaNumber);
            var sequence = sequences.GetValueOrDefault(key) + 1;
            sequences[key] = sequence;
            writer.Write((occurred.Year % 100).ToString("D2", CultureInfo.InvariantCulture));
            writer.Write(crime.AreaNumber.ToString("D2", CultureInfo.InvariantCulture));
            writer.Write(sequence.ToString("D5", CultureInfo.InvariantCulture));
            writer.Write(',');
            writer.Write(DateText(reported));
            writer.Write(',');
            writer.Write(DateText(occurred));
            writer.Write(',');
            writer.Write(crime.TimeText);
            writer.Write(',');
            writer.Write(crime.AreaId);
            writer.Write(',');
            writer.Write(crime.AreaName);
            writer.Write(',');
            writer.Write(place.District);
            writer.Write(',');
            writer.Write(modern ? crime.Block2020 : crime.Block2010);
            writer.Write(',');
            writer.Write(place.Address);
            writer.Write(',');
            writer.Write(place.CrossStreet);
            writer.Write(',');
            if (modern)
            {
                WriteCoordinate(writer, place.Latitude, jitterLat, number);
                writer.Write(',');
                WriteCoordinate(writer, place.Longitude, jitterLon, number);
            }
            else
            {
                writer.Write("\"(");
                WriteCoordinate(writer, place.Latitude, jitterLat, number);
                writer.Write(", ");
                WriteCoordinate(writer, place.Longitude, jitterLon, number);
                writer.Write(")\"");
            }

            writer.Write('\n');
        }

        writer.Flush();
        options.Progress?.Report(options.Rows);

        string DateText(DateOnly date)
        {
            if (!dateTexts.TryGetValue(date.DayNumber, out var text))
            {
                // The real 2020 file mixes two forms: a spreadsheet re-saved the days up to the 12th as MM/DD/YYYY HH:MM.
                text = !modern ? date.ToString("MM/dd/yyyy", CultureInfo.InvariantCulture)
                    : date.Day <= 12 ? date.ToString("MM/dd/yyyy", CultureInfo.InvariantCulture) + " 00:00"
                    : date.ToString("MM/dd/yyyy", CultureInfo.InvariantCulture) + " 12:00:00 AM";
                dateTexts[date.DayNumber] = text;
            }

            return text;
        }
    }

    private static void WriteCoordinate(TextWriter writer, double value, double jitter, Span<char> buffer)
    {
        if (value == 0)
        {
            writer.Write('0'); // LAPD's "unknown location" stays (0, 0)
            return;
        }

        Math.Round(value + jitter, 4).TryFormat(buffer, out var n, "0.0###", CultureInfo.InvariantCulture);
        writer.Write(buffer[..n]);
    }

    private static string Csv(string? value) =>
        value is null ? string.Empty
        : value.AsSpan().IndexOfAny(",\"\n\r") >= 0 ? "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : value;

    /// <summary>A real row's crime, pre-rendered as CSV text for both layouts.</summary>
    private sealed record Crime(int AreaIndex, int AreaNumber, string AreaId, string AreaName, string TimeText, int ReportDelayDays, string Block2020, string Block2010);

    /// <summary>A real row's place.</summary>
    private sealed record Place(string District, string Address, string CrossStreet, double Latitude, double Longitude);

    /// <summary>The real rows, as crimes and as places per area.</summary>
    private sealed record Model(Crime[] Crimes, Place[][] PlacesByArea)
    {
        public static Model Load()
        {
            using var resource = typeof(LapdCsvGenerator).Assembly.GetManifestResourceStream("CrimeStreaming.Generation.sample.csv.gz")
                                 ?? throw new InvalidOperationException("The generator's embedded sample is missing.");
            using var gzip = new GZipStream(resource, CompressionMode.Decompress);
            using var text = new StreamReader(gzip, Encoding.UTF8);
            var records = CrimeCsvReader.Read(text, "embedded LAPD 2020 sample", new CrimeCsvOptions { OnRowError = RowErrorPolicy.Throw }).ToList();
            var areas = records.Select(r => r.AreaId).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
            var crimes = records.Select(r =>
            {
                var common = string.Join(',', Csv(r.CrimeCode), Csv(r.CrimeDescription), Csv(r.MoCodes), r.VictimAge?.ToString(CultureInfo.InvariantCulture) ?? string.Empty,
                    Csv(r.VictimSex), Csv(r.VictimDescent), Csv(r.PremiseCode), Csv(r.PremiseDescription), Csv(r.WeaponCode), Csv(r.WeaponDescription),
                    Csv(r.StatusCode), Csv(r.StatusDescription), Csv(r.CrimeCode1), Csv(r.CrimeCode2), Csv(r.CrimeCode3), Csv(r.CrimeCode4));
                var delay = r.DateReported is { } d ? Math.Clamp(d.DayNumber - r.DateOccurred.DayNumber, 0, 60) : 0;
                return new Crime(
                    areas.IndexOf(r.AreaId),
                    int.Parse(r.AreaId, CultureInfo.InvariantCulture),
                    Csv(r.AreaId),
                    Csv(r.AreaName),
                    r.TimeOccurred.ToString("HHmm", CultureInfo.InvariantCulture),
                    delay,
                    Csv(r.Part) + "," + common,
                    common);
            }).ToArray();
            var places = areas.Select(a => records.Where(r => r.AreaId == a)
                .Select(r => new Place(Csv(r.ReportingDistrict), Csv(r.Address), Csv(r.CrossStreet), r.Location?.Latitude ?? 0, r.Location?.Longitude ?? 0))
                .ToArray()).ToArray();
            return new Model(crimes, places);
        }
    }
}
