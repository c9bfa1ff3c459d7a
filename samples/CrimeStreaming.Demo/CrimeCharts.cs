using System.Globalization;
using CrimeStreaming.Windowing;
using ScottPlot;

namespace CrimeStreaming.Demo;

/// <summary>
/// Collects the reports read back from Kafka and draws two PNGs with ScottPlot: crimes per day stacked by crime type,
/// and a map of where they happened around Los Angeles, with the original study's "near USC" area.
/// </summary>
/// <remarks>
/// The most frequent <see cref="Types"/> crime types get their own colour (the same on both pictures); the rest are
/// drawn as "other". Days are Los Angeles dates. Spans longer than 400 days are drawn per week, longer than 8 years per
/// month, so bars stay wider than a pixel. The map is in kilometres from USC (east, north) on equal scales: no tiles,
/// no network; area names are placed at the median location of their reports.
/// </remarks>
internal sealed class CrimeCharts
{
    /// <summary>Crime types drawn in their own colour.</summary>
    public const int Types = 7;

    private const string Other = "other";
    private static readonly GeoPoint Centre = GeoPoint.Usc;
    private static readonly double KmPerDegreeLat = 110.574;
    private static readonly double KmPerDegreeLon = 111.320 * Math.Cos(Centre.Latitude * Math.PI / 180);

    private readonly object _gate = new();
    private readonly Dictionary<string, Dictionary<DateOnly, int>> _days = new(StringComparer.Ordinal);
    private readonly List<(string Type, double X, double Y)> _points = [];
    private readonly Dictionary<string, List<(double X, double Y)>> _areas = new(StringComparer.Ordinal);
    private long _unlocated;

    public void Add(CrimeReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var type = report.Record.CrimeDescription ?? "(none)";
        var day = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(report.ReportTime, TimeZones.LosAngeles).DateTime);
        lock (_gate)
        {
            if (!_days.TryGetValue(type, out var days))
            {
                _days[type] = days = [];
            }

            days[day] = days.GetValueOrDefault(day) + 1;
            if (report.Record.Location is { } at)
            {
                var (x, y) = Project(at);
                _points.Add((type, x, y));
                if (!_areas.TryGetValue(report.Record.AreaName, out var area))
                {
                    _areas[report.Record.AreaName] = area = [];
                }

                area.Add((x, y));
            }
            else
            {
                _unlocated++;
            }
        }
    }

    /// <summary>Writes the stacked bars of crimes per day (week, month for long spans) to <paramref name="path"/>.</summary>
    public void SaveDaily(string path)
    {
        var plot = new Plot();
        lock (_gate)
        {
            var types = RankedTypes();
            var all = _days.Values.SelectMany(d => d.Keys).ToArray();
            if (all.Length == 0)
            {
                Empty(plot, "Crimes reported per day");
                plot.SavePng(path, 1400, 700);
                return;
            }

            var (first, last) = (all.Min(), all.Max());
            var span = last.DayNumber - first.DayNumber + 1;
            var (unit, bucket) = span <= 400 ? ("day", (Func<DateOnly, DateOnly>)(d => d))
                : span <= 8 * 366 ? ("week", d => d.AddDays(-(((int)d.DayOfWeek + 6) % 7)))
                : ("month", d => new DateOnly(d.Year, d.Month, 1));
            var width = unit switch { "day" => 1.0, "week" => 7.0, _ => 30.0 } * 0.85;

            // One stack per bucket, the most frequent type at the bottom so its shape is easiest to read.
            var counts = new Dictionary<(DateOnly, string), int>();
            foreach (var (type, days) in _days)
            {
                var group = types.Contains(type) ? type : Other;
                foreach (var (day, n) in days)
                {
                    var key = (bucket(day), group);
                    counts[key] = counts.GetValueOrDefault(key) + n;
                }
            }

            var groups = types.Append(Other).ToArray();
            var bars = new List<Bar>();
            foreach (var b in counts.Keys.Select(k => k.Item1).Distinct().Order())
            {
                double bottom = 0;
                foreach (var (group, i) in groups.Select((g, i) => (g, i)))
                {
                    var n = counts.GetValueOrDefault((b, group));
                    if (n == 0)
                    {
                        continue;
                    }

                    var centre = b.ToDateTime(TimeOnly.MinValue).AddDays(unit == "day" ? 0.5 : width / 0.85 / 2).ToOADate();
                    bars.Add(new Bar { Position = centre, ValueBase = bottom, Value = bottom + n, FillColor = ColourOf(i, groups.Length), Size = width, LineWidth = 0 });
                    bottom += n;
                }
            }

            plot.Add.Bars(bars);
            Legend(plot, groups);
            var total = counts.Values.Sum();
            plot.Title(string.Create(CultureInfo.InvariantCulture, $"Crimes reported per {unit}, by crime type — {total:N0} reports, {first:yyyy-MM-dd} to {last:yyyy-MM-dd}"));
            plot.YLabel($"reports per {unit}");
            plot.XLabel("report date (Los Angeles)");
            plot.Axes.DateTimeTicksBottom();
            plot.Axes.Left.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic { IntegerTicksOnly = true };
            plot.Axes.Margins(bottom: 0, top: 0.05);
        }

        plot.SavePng(path, 1400, 700);
    }

    /// <summary>Writes the map of the reports by crime type, with the "near USC" area, to <paramref name="path"/>.</summary>
    public void SaveMap(string path)
    {
        var plot = new Plot();
        lock (_gate)
        {
            var types = RankedTypes();
            var groups = types.Append(Other).ToArray();
            if (_points.Count == 0)
            {
                Empty(plot, "Where the crimes happened");
                plot.SavePng(path, 1100, 1000);
                return;
            }

            // "other" first so the named types are drawn on top of it.
            for (var i = groups.Length - 1; i >= 0; i--)
            {
                var group = groups[i];
                var points = _points.Where(p => group == Other ? !types.Contains(p.Type) : p.Type == group).ToArray();
                if (points.Length == 0)
                {
                    continue;
                }

                var markers = plot.Add.Markers(points.Select(p => p.X).ToArray(), points.Select(p => p.Y).ToArray(), MarkerShape.FilledCircle, 4, ColourOf(i, groups.Length).WithAlpha(0.7));
                markers.LegendText = $"{Label(group)} ({points.Length:N0})";
            }

            // The original study's test: Euclidean distance in degrees below 0.02, an ellipse once drawn to scale.
            var near = plot.Add.Ellipse(0, 0, 0.02 * KmPerDegreeLon, 0.02 * KmPerDegreeLat);
            near.LineWidth = 2;
            near.LineColor = Colors.Black;
            near.FillColor = Colors.Black.WithAlpha(0.05);
            near.LegendText = "near USC (within 0.02°, as the original)";
            var usc = plot.Add.Marker(0, 0, MarkerShape.Cross, 14, Colors.Black);
            usc.LineWidth = 2;
            var uscLabel = plot.Add.Text("USC", 0.3, -0.3);
            uscLabel.LabelFontSize = 14;
            uscLabel.LabelBold = true;

            foreach (var (area, points) in _areas.Where(a => a.Value.Count >= 3))
            {
                var text = plot.Add.Text(area, Median(points.Select(p => p.X)), Median(points.Select(p => p.Y)));
                text.LabelFontSize = 13;
                text.LabelFontColor = Colors.Black.WithAlpha(0.75);
                text.LabelBackgroundColor = Colors.White.WithAlpha(0.6);
                text.LabelAlignment = Alignment.MiddleCenter;
            }

            var located = _points.Count;
            plot.Title(string.Create(CultureInfo.InvariantCulture, $"Where the crimes happened — {located:N0} reports with a location{(_unlocated > 0 ? $" ({_unlocated:N0} without)" : string.Empty)}"));
            plot.XLabel("km east of USC");
            plot.YLabel("km north of USC");
            plot.Axes.SquareUnits();
            plot.Legend.Alignment = Alignment.UpperRight;
            plot.Legend.FontSize = 12;
            plot.ShowLegend();
        }

        plot.SavePng(path, 1100, 1000);
    }

    private static (double X, double Y) Project(GeoPoint at) =>
        ((at.Longitude - Centre.Longitude) * KmPerDegreeLon, (at.Latitude - Centre.Latitude) * KmPerDegreeLat);

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted[sorted.Length / 2];
    }

    /// <summary>Tableau-like colours for the named types, grey for "other".</summary>
    private static Color ColourOf(int index, int groups) =>
        index == groups - 1 ? Colors.Gray.WithAlpha(0.8) : new ScottPlot.Palettes.Category10().GetColor(index);

    private static string Label(string type) => type.Length <= 48 ? type : type[..47] + "…";

    private static void Legend(Plot plot, string[] groups)
    {
        for (var i = 0; i < groups.Length; i++)
        {
            plot.Legend.ManualItems.Add(new LegendItem { LabelText = Label(groups[i]), FillColor = ColourOf(i, groups.Length) });
        }

        plot.Legend.Alignment = Alignment.UpperLeft;
        plot.Legend.FontSize = 12;
        plot.ShowLegend();
    }

    private static void Empty(Plot plot, string title)
    {
        plot.Title($"{title} — no reports");
        plot.Add.Text("no reports were read back from Kafka", 0, 0);
    }

    private string[] RankedTypes() =>
        _days.OrderByDescending(p => p.Value.Values.Sum()).ThenBy(p => p.Key, StringComparer.Ordinal).Take(Types).Select(p => p.Key).ToArray();
}
