using System.Globalization;
using CrimeStreaming.Csv;
using CsvHelper;
using CsvHelper.Configuration;

namespace CrimeStreaming.Benchmarks.Core;

/// <summary>
/// What bounds preparation: CsvHelper's own floors, the reader thread's work alone, and the whole pipeline, each
/// against the raw parse of <see cref="PreprocessFigures"/> in paired runs.
/// </summary>
/// <remarks>
/// Preparation tokenizes on one thread and runs the later stages on another (read-ahead), so its rate is bounded by the
/// tokenizing thread. With CsvHelper, a reader must at least tokenize every row and read its description (the first
/// floor), and make the strings of every row of interest (the second floor). The tokenizing stage takes one string of the
/// text of a row of interest instead (split into fields by the building stage, on the other thread), and adds line
/// tracking and the row checks.
/// </remarks>
public sealed class PreprocessBreakdownFigures : IFigureSuite
{
    private static readonly string[] Crimes = new CrimeStreamerOptions().CrimesOfInterest.ToArray();

    public string Name => "preprocess-breakdown";

    public async Task RunAsync(FigureContext context, CancellationToken cancellationToken)
    {
        var rows = context.Quick ? 20_000 : 1_000_000;
        var path = BenchmarkData.RepeatedSample(rows);
        PairedSide Side(string name, Func<long> run) => new(name, _ => Task.FromResult(PreprocessFigures.Rate(rows, run)));
        var series = await PairedRuns.RunAsync(
            PairedRuns.Rounds(context),
            Side("raw CsvHelper parse", () => PreprocessFigures.RawParse(path)),
            Side("CsvHelper floor 1", () => CsvHelperFloor(path, everyFieldOfInterest: false)),
            Side("CsvHelper floor 2", () => CsvHelperFloor(path, everyFieldOfInterest: true)),
            Side("tokenizing stage alone", () => TokenizingStageAlone(path)),
            Side("prepare", () => PreprocessFigures.Prepare(path)));
        string[] figures =
        [
            "raw CsvHelper parse (every field of every row, one thread)",
            "CsvHelper floor: tokenize every row, read its description",
            "CsvHelper floor: the same + every field of rows of interest",
            "the tokenizing stage alone (the reading thread's work: CsvHelper, lines, row checks, prefilter)",
            "BasicCrimeStreamer.Prepare (reader thread + later stages)",
        ];
        for (var side = 0; side < figures.Length; side++)
        {
            series.ReportRate(context, Name, side, figures[side], "rows/s");
            if (side > 0)
            {
                series.ReportRatio(context, Name, side, 0, "  ratio to the raw parse");
            }
        }
    }

    private static bool OfInterest(string? description)
    {
        foreach (var crime in Crimes)
        {
            if (description is not null && description.Contains(crime, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>CsvHelper as the reader configures it, with only the fields that must be read taken out as strings.</summary>
    private static long CsvHelperFloor(string path, bool everyFieldOfInterest)
    {
        using var reader = new StreamReader(path, System.Text.Encoding.UTF8, true, 1 << 16);
        using var parser = new CsvParser(reader, new CsvConfiguration(CultureInfo.InvariantCulture) { CacheFields = false });
        parser.Read();
        var description = Array.FindIndex(parser.Record!, h => h.Equals("Crm Cd Desc", StringComparison.OrdinalIgnoreCase));
        long chars = 0;
        while (parser.Read())
        {
            var text = parser[description];
            chars += text?.Length ?? 0;
            if (everyFieldOfInterest && OfInterest(text))
            {
                for (var i = 0; i < parser.Count; i++)
                {
                    chars += parser[i]!.Length;
                }
            }
        }

        return chars;
    }

    private static long TokenizingStageAlone(string path)
    {
        var prefilter = new DescriptionPrefilter(OfInterest, _ => { }, _ => { });
        long rows = 0;
        foreach (var _ in CrimeCsvReader.TokenizeFile(path, new CrimeCsvOptions(), new ReadStatistics(), prefilter))
        {
            rows++;
        }

        return rows;
    }
}
