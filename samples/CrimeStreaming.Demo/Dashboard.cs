using System.Diagnostics;
using System.Globalization;
using CrimeStreaming.Kafka;
using CrimeStreaming.Windowing;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace CrimeStreaming.Demo;

/// <summary>What the demo shows: the replay's progress, Kafka rates and the latest windows. Updated from several threads.</summary>
internal sealed class Dashboard(PreparedReplay prepared, SimulationClock clock, KafkaCrimeSink sink, string topicLine)
{
    private readonly object _gate = new();
    private readonly Dictionary<int, CrimeSnapshot> _latest = [];
    private readonly Stopwatch _watch = Stopwatch.StartNew();
    private long _consumed;
    private long _late;
    private (double At, long Delivered, long Consumed) _lastRate;
    private (double Produce, double Consume) _rates;

    public long Consumed => Interlocked.Read(ref _consumed);

    public long Late => Interlocked.Read(ref _late);

    public void OnConsumed() => Interlocked.Increment(ref _consumed);

    public void OnLate() => Interlocked.Increment(ref _late);

    public void OnWindow(int hours, CrimeSnapshot snapshot)
    {
        lock (_gate)
        {
            _latest[hours] = snapshot;
        }
    }

    /// <summary>A plain line for a finished hour, for logs and pipes.</summary>
    public static string Line(CrimeSnapshot s) => string.Create(
        CultureInfo.InvariantCulture,
        $"{s.End:yyyy-MM-dd HH:mm} hour: {s.Total} crimes, {s.Near} near USC; types: {string.Join("; ", s.TopCrimeTypes.Select(k => $"{k.Key} {k.Count}"))}; areas: {string.Join(", ", s.TopAreas.Select(k => $"{k.Key} {k.Count}"))}");

    public IRenderable Render()
    {
        UpdateRates();
        var delivery = sink.Summary;
        var emitted = prepared.Progress.Emitted;
        var total = Math.Max(1, prepared.Count);
        var width = 40;
        var filled = (int)(width * emitted / total);
        var bar = new string('█', filled) + new string('░', width - filled);
        var header = new Rows(
            new Markup($"[bold]CrimeStreaming[/] — LAPD reports replayed through Kafka ({Markup.Escape(topicLine)})"),
            new Markup(Markup.Escape(string.Create(CultureInfo.InvariantCulture, $"Simulated time {TimeZoneInfo.ConvertTime(clock.Now, TimeZones.LosAngeles):yyyy-MM-dd HH:mm zzz}   {bar} {emitted:N0}/{prepared.Count:N0} reported"))),
            new Markup(Markup.Escape(string.Create(CultureInfo.InvariantCulture, $"Producer: {delivery.Delivered:N0} delivered, {delivery.Failed:N0} failed ({_rates.Produce:N0} msg/s)   Consumer: {Consumed:N0} consumed ({_rates.Consume:N0} msg/s), {Late:N0} late"))));

        var table = new Table().Border(TableBorder.Rounded).AddColumn("by report time");
        CrimeSnapshot?[] windows;
        lock (_gate)
        {
            windows = [_latest.GetValueOrDefault(1), _latest.GetValueOrDefault(6), _latest.GetValueOrDefault(12)];
        }

        foreach (var (w, hours) in windows.Zip([1, 6, 12]))
        {
            table.AddColumn(w is null ? $"last {hours} h" : string.Create(CultureInfo.InvariantCulture, $"last {hours} h to {w.End:MM-dd HH:mm}"));
        }

        table.AddRow(Cells("crimes", windows, w => w.Total.ToString("N0", CultureInfo.InvariantCulture)));
        table.AddRow(Cells("near USC", windows, w => w.Near.ToString("N0", CultureInfo.InvariantCulture)));
        table.AddRow(Cells("top crime types", windows, w => string.Join("\n", w.TopCrimeTypes.Select(k => $"{k.Count,3} {Shorten(k.Key)}"))));
        table.AddRow(Cells("top areas", windows, w => string.Join("\n", w.TopAreas.Select(k => $"{k.Count,3} {k.Key}"))));
        return new Rows(header, table);
    }

    private static IRenderable[] Cells(string label, CrimeSnapshot?[] windows, Func<CrimeSnapshot, string> value) =>
        [new Text(label), .. windows.Select(w => (IRenderable)new Text(w is null ? "…" : value(w)))];

    private static string Shorten(string s) => s.Length <= 34 ? s : s[..33] + "…";

    private void UpdateRates()
    {
        var now = _watch.Elapsed.TotalSeconds;
        var delivered = sink.Summary.Delivered;
        var consumed = Consumed;
        var dt = now - _lastRate.At;
        if (dt >= 0.5)
        {
            _rates = ((delivered - _lastRate.Delivered) / dt, (consumed - _lastRate.Consumed) / dt);
            _lastRate = (now, delivered, consumed);
        }
    }
}
