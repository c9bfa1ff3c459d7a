using ScottPlot;

namespace CrimeStreaming.Demo;

/// <summary>Counts consumed reports per hour and crime type, and draws them as a PNG (ScottPlot).</summary>
internal sealed class HourlyChart
{
    private readonly object _gate = new();
    private readonly Dictionary<string, SortedDictionary<DateTime, int>> _counts = new(StringComparer.Ordinal);

    public void Add(CrimeReport report)
    {
        var hour = report.ReportTime.UtcDateTime;
        hour = new DateTime(hour.Year, hour.Month, hour.Day, hour.Hour, 0, 0, DateTimeKind.Utc);
        var type = report.Record.CrimeDescription ?? "(none)";
        lock (_gate)
        {
            if (!_counts.TryGetValue(type, out var series))
            {
                _counts[type] = series = [];
            }

            series[hour] = series.GetValueOrDefault(hour) + 1;
        }
    }

    /// <summary>Writes the chart of the five most frequent types (UTC hours) to <paramref name="path"/>.</summary>
    public void Save(string path)
    {
        var plot = new Plot();
        lock (_gate)
        {
            foreach (var (type, series) in _counts.OrderByDescending(p => p.Value.Values.Sum()).Take(5))
            {
                var scatter = plot.Add.ScatterPoints(series.Keys.Select(k => k.ToOADate()).ToArray(), series.Values.Select(v => (double)v).ToArray());
                scatter.LegendText = type;
                scatter.MarkerSize = 4;
            }
        }

        plot.Axes.DateTimeTicksBottom();
        plot.Title("Crimes reported per hour, by crime type (top 5)");
        plot.YLabel("reports in the hour");
        plot.ShowLegend(Alignment.UpperRight);
        plot.SavePng(path, 1400, 600);
    }
}
