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
    private readonly HashSet<string> _seen = new(StringComparer.Ordinal);
    private long _unlocated;

    public void Add(CrimeReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var type = report.Record.CrimeDescription ?? CrimeAnalyses.NoDescription;
        var day = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(report.ReportTime, TimeZones.LosAngeles).DateTime);
        lock (_gate)
        {
            if (!_seen.Add(report.Record.DrNumber))
            {
                return; // read again by an analysis instance that took its partition over: drawn once
            }

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
            var dates = plot.Axes.DateTimeTicksBottom();
            if (dates.TickGenerator is ScottPlot.TickGenerators.DateTimeAutomatic automatic)
            {
                automatic.LabelFormatter = d => d.ToString(unit == "month" ? "yyyy-MM" : "yyyy-MM-dd", CultureInfo.InvariantCulture);
            }

            plot.XLabel("report date (Los Angeles)"); // after the date axis replaced the bottom one
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

            // Dense data would let the type drawn last hide the others: draw every type in slices, interleaved, so
            // each neighbourhood shows its mix. Markers shrink and fade as the points grow in number.
            var legend = new List<LegendItem>();
            var size = (float)Math.Clamp(9 - 1.5 * Math.Log10(_points.Count), 2.5, 6);
            var alpha = Math.Clamp(1.1 - 0.12 * Math.Log10(_points.Count), 0.35, 0.85);
            const int Slices = 16;
            var byGroup = groups.Select(g => _points.Where(p => g == Other ? !types.Contains(p.Type) : p.Type == g).ToArray()).ToArray();
            for (var slice = 0; slice < Slices; slice++)
            {
                for (var i = groups.Length - 1; i >= 0; i--)
                {
                    var part = byGroup[i].Where((_, k) => k % Slices == slice).ToArray();
                    if (part.Length > 0)
                    {
                        plot.Add.Markers(part.Select(p => p.X).ToArray(), part.Select(p => p.Y).ToArray(), MarkerShape.FilledCircle, size, ColourOf(i, groups.Length).WithAlpha(alpha));
                    }
                }
            }

            for (var i = groups.Length - 1; i >= 0; i--)
            {
                if (byGroup[i].Length > 0)
                {
                    legend.Add(new LegendItem { LabelText = $"{Label(groups[i])} ({byGroup[i].Length:N0})", MarkerShape = MarkerShape.FilledCircle, MarkerSize = 10, MarkerFillColor = ColourOf(i, groups.Length), MarkerLineColor = ColourOf(i, groups.Length) });
                }
            }

            legend.Reverse(); // most frequent first
            legend.Add(new LegendItem { LabelText = "near USC: within 0.02° (the original's test)", LineColor = Colors.Black, LineWidth = 2 });
            plot.Legend.ManualItems.AddRange(legend);

            // The original study's test: Euclidean distance in degrees below 0.02, an ellipse once drawn to scale.
            var near = plot.Add.Ellipse(0, 0, 0.02 * KmPerDegreeLon, 0.02 * KmPerDegreeLat);
            near.LineWidth = 2;
            near.LineColor = Colors.Black;
            near.FillColor = Colors.Black.WithAlpha(0.05);
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

        plot.Legend.FontSize = 12;
        plot.Legend.Orientation = Orientation.Horizontal;
        plot.ShowLegend(Edge.Bottom); // under the bars, never over them
    }

    private static void Empty(Plot plot, string title)
    {
        plot.Title($"{title} — no reports");
        plot.Add.Text("no reports were read back from Kafka", 0, 0);
    }

    private string[] RankedTypes() =>
        _days.OrderByDescending(p => p.Value.Values.Sum()).ThenBy(p => p.Key, StringComparer.Ordinal).Take(Types).Select(p => p.Key).ToArray();
}
