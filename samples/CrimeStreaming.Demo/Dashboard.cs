using System.Diagnostics;
using System.Globalization;
using CrimeStreaming.Aggregation;
using CrimeStreaming.Kafka;
using CrimeStreaming.Windowing;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace CrimeStreaming.Demo;

/// <summary>
/// What the demo shows: the replay's progress, Kafka rates and the last 1, 6 and 12 hours by report time. Updated from
/// several threads; laid out to fit an 80×24 terminal.
/// </summary>
/// <remarks>
/// <para>All three windows end at the same time, derived from the clock: the simulation's last completed hour (no later
/// than the hour after the last report), so the view keeps up with the clock however sparse the data, and an hour
/// without crimes shows zeros instead of an older window.</para>
/// <para>A window is <i>final</i> once the event-time windows (<see cref="OnWindow"/>) have closed it: its snapshot is
/// shown, or zeros when it was closed empty (empty windows are not emitted). Before that it is <i>open</i>: the figures
/// counted so far from the reports consumed (<see cref="OnConsumed"/>), which Kafka may still add to.</para>
/// </remarks>
internal sealed class Dashboard(PreparedReplay prepared, SimulationClock clock, KafkaCrimeSink sink, string bootstrapServers, string topicLine)
{
    /// <summary>The window lengths shown, in hours.</summary>
    public static readonly int[] WindowHours = [1, 6, 12];

    private const int Top = 5;

    // Pruning keeps the hours of the last two longest windows; it runs only when there is several times that much, so its
    // cost stays small per report (pruning on every window once cost the analysis thread a quarter of its time).
    private const int PruneAbove = 16 * 12;
    private static readonly TimeSpan Hour = TimeSpan.FromHours(1);
    private readonly object _gate = new();
    private readonly Dictionary<(int Hours, DateTimeOffset End), CrimeSnapshot> _final = [];
    private readonly SortedDictionary<long, CrimeCounts> _hours = [];
    private readonly CrimeSnapshotAggregate _aggregate = new(CrimeAnalyses.NearUscAsOriginal, Top); // the same aggregate as the group's windows
    private DateTimeOffset _closed = DateTimeOffset.MinValue;
    private long _newestHour = long.MinValue; // the hour of the newest report consumed
    private long _consumed;
    private readonly RateMeter _rateMeter = new();

    public long Consumed => Interlocked.Read(ref _consumed);

    /// <summary>Reports late for their window so far, from the analysis instances (counted as they are read).</summary>
    public long Late => LateSource?.Invoke() ?? 0;

    /// <summary>Where <see cref="Late"/> comes from; unset, nothing is late.</summary>
    public Func<long>? LateSource { get; set; }

    /// <summary>A report read back from Kafka: counted in its hour for the open windows.</summary>
    public void OnConsumed(CrimeReport report)
    {
        Interlocked.Increment(ref _consumed);
        var hour = HourIndex(report.ReportTime);
        lock (_gate)
        {
            if (!_hours.TryGetValue(hour, out var counts))
            {
                _hours[hour] = counts = _aggregate.CreateAccumulator();
            }

            _aggregate.Add(counts, report);
            if (hour > _newestHour)
            {
                _newestHour = hour;
            }

            if (_hours.Count > PruneAbove)
            {
                Prune();
            }
        }
    }

    /// <summary>A window closed by the event-time windows: final from now on.</summary>
    public void OnWindow(int hours, CrimeSnapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        lock (_gate)
        {
            _final[(hours, snapshot.End)] = snapshot;
            if (snapshot.End > _closed)
            {
                // Windows are emitted when the watermark passes their end, and all lengths share one watermark.
                _closed = snapshot.End;
            }

            if (_final.Count > PruneAbove * WindowHours.Length)
            {
                Prune();
            }
        }
    }

    /// <summary>
    /// The end of the windows shown at simulated time <paramref name="now"/>: its last completed hour, counted from the
    /// simulation start, and no later than the hour after the last report; <see langword="null"/> before the first hour
    /// completes. While reports are still coming, also no later than the start of the newest report's hour: at a high
    /// acceleration the clock's last hour is over long before its reports are read back, and showing it would show zeros.
    /// </summary>
    public DateTimeOffset? ShownEnd(DateTimeOffset now)
    {
        if (Consumed < prepared.Count)
        {
            long newest;
            lock (_gate)
            {
                newest = _newestHour;
            }

            if (newest == long.MinValue)
            {
                return null;
            }

            var newestStart = prepared.Start + newest * Hour;
            if (now > newestStart)
            {
                now = newestStart;
            }
        }

        if (prepared.LastReportTime is { } last)
        {
            var afterLast = prepared.Start + (HourIndex(last) + 1) * Hour;
            if (now > afterLast)
            {
                now = afterLast;
            }
        }

        var hours = HourIndex(now);
        return hours < 1 ? null : prepared.Start + hours * Hour;
    }

    /// <summary>The window of <paramref name="hours"/> hours ending at <paramref name="end"/>, and whether it is final.</summary>
    public (CrimeSnapshot Snapshot, bool Final) Window(int hours, DateTimeOffset end)
    {
        lock (_gate)
        {
            if (_final.TryGetValue((hours, end), out var snapshot))
            {
                return (snapshot, true);
            }

            var start = end - hours * Hour;
            if (end <= _closed)
            {
                return (new CrimeSnapshot(start, end, 0, 0, [], []), true);
            }

            return (_aggregate.GetResult(Sum(hours, HourIndex(end))).ToSnapshot(start, end), false);
        }
    }

    /// <summary>A plain line for a finished hour, for logs and pipes.</summary>
    public static string Line(CrimeSnapshot s) => string.Create(
        CultureInfo.InvariantCulture,
        $"{s.End:yyyy-MM-dd HH:mm} hour: {s.Total} crimes, {s.Near} near USC; types: {string.Join("; ", s.TopCrimeTypes.Select(k => $"{k.Key} {k.Count}"))}; areas: {string.Join(", ", s.TopAreas.Select(k => $"{k.Key} {k.Count}"))}");

    /// <summary>
    /// What the views say when the longest window shown is empty: the bundled sample, for one, is busy in January 2020
    /// and quiet after it, and a newcomer should know how to get past the quiet months rather than watch zeros.
    /// </summary>
    public const string QuietHint = "nothing in 12 h: + or f skips ahead";

    /// <summary>The web dashboard's address (<c>--web</c>), shown on a line of its own; <see langword="null"/> without one.</summary>
    public string? WebUrl { get; set; }

    /// <summary>The live view's keys, when it reads them: the dashboard shows the clock's state and what the keys do.</summary>
    public ReplayKeys? Keys { get; set; }

    public IRenderable Render() => Render(Math.Max(60, AnsiConsole.Profile.Width));

    /// <summary>The dashboard for a terminal <paramref name="width"/> columns wide: 22 lines, no line wider than that.</summary>
    public IRenderable Render(int width)
    {
        var delivery = sink.Summary;
        var rates = _rateMeter.Update(delivery.Delivered, Consumed);
        var emitted = prepared.Progress.Emitted;
        var total = prepared.Count;
        var now = clock.Now;
        var counts = string.Create(CultureInfo.InvariantCulture, $"{emitted:N0}/{total:N0} ({(total == 0 ? 100 : 100 * emitted / total)}%)");
        var time = string.Create(CultureInfo.InvariantCulture, $"{TimeZoneInfo.ConvertTime(now, TimeZones.LosAngeles):yyyy-MM-dd HH:mm zzz}");
        var barWidth = Math.Clamp(width - time.Length - counts.Length - 4, 5, 30);
        var filled = total == 0 ? barWidth : (int)(barWidth * emitted / total);
        var bar = new string('█', filled) + new string('░', barWidth - filled);
        var end = ShownEnd(now);
        var windows = end is { } e ? WindowHours.Select(h => Window(h, e)).ToArray() : null;
        var quiet = Keys is not null && emitted < total && windows is [.., { Snapshot.Total: 0 }];
        var title = end is { } shown
            ? string.Create(CultureInfo.InvariantCulture, $"by report time, to {TimeZoneInfo.ConvertTime(shown, TimeZones.LosAngeles):yyyy-MM-dd HH:mm}{(quiet ? $" ({QuietHint})" : windows!.All(w => w.Final) ? " (final)" : " (open: still counting)")}")
            : "by report time (the first hour is not over yet)";

        var lines = new Rows(
            // The bootstrap servers on a line of their own, in full: the lines printed before the live view scroll away
            // on a 24-line terminal, and a second process needs them to join.
            Fit("LAPD → Kafka " + bootstrapServers, width, bold: 12),
            Fit(topicLine, width),
            Fit($"{time} {bar} {counts}", width),
            // With the web dashboard's line, Kafka's two lines become one: the view still fits 24 lines.
            WebUrl is null
                ? Fit(string.Create(CultureInfo.InvariantCulture, $"produced: {delivery.Delivered:N0} delivered, {delivery.Failed:N0} failed, {rates.Produce:N0}/s"), width)
                : Fit(string.Create(CultureInfo.InvariantCulture, $"kafka: {delivery.Delivered:N0} delivered {rates.Produce:N0}/s, {delivery.Failed:N0} failed · read {Consumed:N0} {rates.Consume:N0}/s, {Late:N0} late"), width),
            WebUrl is null
                ? Fit(string.Create(CultureInfo.InvariantCulture, $"consumed: {Consumed:N0}, {Late:N0} late for their window, {rates.Consume:N0}/s"), width)
                : Fit($"web dashboard: {WebUrl}", width),
            Keys is { } keys ? Fit($"clock: {keys.State} · {ReplayKeys.Help}", width) : Text.Empty);

        // Four columns: label 9 wide, three equal value columns; 13 characters go to borders and padding.
        var valueWidth = Math.Max(10, (width - 13 - 9) / 3);
        var table = new Table().Border(TableBorder.Rounded).Title(Markup.Escape(Cut(title, width - 4)));
        table.AddColumn(new TableColumn(string.Empty).Width(9).NoWrap());
        foreach (var hours in WindowHours)
        {
            table.AddColumn(new TableColumn($"last {hours} h").Width(valueWidth).NoWrap());
        }

        // Beside each last complete window, the open one that follows it: the reports read back so far in it.
        var open = end is { } o ? WindowHours.Select(h => OpenTotal(h, o)).ToArray() : null;
        table.AddRow([new Text("crimes"), .. WindowHours.Select((_, i) => (IRenderable)new Text(windows is null ? "…" : Cut(string.Create(CultureInfo.InvariantCulture, $"{windows[i].Snapshot.Total:N0} · open {open![i]:N0}"), valueWidth)))]);
        table.AddRow(Cells("near USC", windows, w => w.Near.ToString("N0", CultureInfo.InvariantCulture), valueWidth, 1));
        table.AddRow(Cells("top types", windows, w => Ranking(w.TopCrimeTypes, valueWidth), valueWidth, Top));
        table.AddRow(Cells("top areas", windows, w => Ranking(w.TopAreas, valueWidth), valueWidth, Top));
        return new Rows(lines, table);
    }

    /// <summary>Reports read back so far in the open window of <paramref name="hours"/>: the one ending an hour after <paramref name="end"/>.</summary>
    private long OpenTotal(int hours, DateTimeOffset end)
    {
        lock (_gate)
        {
            return Sum(hours, HourIndex(end) + 1).Total;
        }
    }

    /// <summary>The counts of the <paramref name="hours"/> hours before hour <paramref name="last"/>; call under the lock.</summary>
    private CrimeCounts Sum(int hours, long last)
    {
        var sum = _aggregate.CreateAccumulator();
        foreach (var (hour, counts) in _hours)
        {
            if (hour >= last - hours && hour < last)
            {
                _aggregate.Merge(sum, counts);
            }
        }

        return sum;
    }

    private static IRenderable[] Cells(string label, (CrimeSnapshot Snapshot, bool Final)[]? windows, Func<CrimeSnapshot, string> value, int width, int lines)
    {
        var pad = new string('\n', lines - 1);
        return [new Text(label + pad), .. WindowHours.Select((_, i) => (IRenderable)new Text(windows is null ? "…" + pad : Pad(value(windows[i].Snapshot), lines)))];
    }

    /// <summary>Keeps every cell the same height so the table does not jump when a ranking is shorter.</summary>
    private static string Pad(string text, int lines)
    {
        var count = text.Count(c => c == '\n') + 1;
        return count >= lines ? text : text + new string('\n', lines - count);
    }

    private static string Ranking(IReadOnlyList<KeyCount<string>> ranking, int width)
    {
        if (ranking.Count == 0)
        {
            return "-";
        }

        var digits = ranking.Max(k => k.Count.ToString("N0", CultureInfo.InvariantCulture).Length);
        return string.Join("\n", ranking.Select(k => Cut($"{k.Count.ToString("N0", CultureInfo.InvariantCulture).PadLeft(digits)} {Shorten(k.Key)}", width)));
    }

    /// <summary>LAPD descriptions are long; these spellings keep them readable in a narrow column.</summary>
    private static string Shorten(string description) => description
        .Replace("ASSAULT WITH DEADLY WEAPON", "ADW", StringComparison.Ordinal)
        .Replace("AGGRAVATED ASSAULT", "AGG. ASSAULT", StringComparison.Ordinal)
        .Replace("BATTERY - SIMPLE ASSAULT", "SIMPLE ASSAULT", StringComparison.Ordinal)
        .Replace("INTIMATE PARTNER - ", "PARTNER ", StringComparison.Ordinal)
        .Replace("ATTEMPTED", "ATT.", StringComparison.Ordinal)
        .Replace("VEHICLE", "VEH.", StringComparison.Ordinal)
        .Replace(" - ", " ", StringComparison.Ordinal);

    private static string Cut(string text, int width) => text.Length <= width ? text : text[..(width - 1)] + "…";

    /// <summary>One line, cut to the width (Spectre would wrap it), its first <paramref name="bold"/> characters bold.</summary>
    private static Markup Fit(string text, int width, int bold = 0)
    {
        text = Cut(text, width);
        bold = Math.Min(bold, text.Length);
        return new Markup(bold == 0 ? Markup.Escape(text) : $"[bold]{Markup.Escape(text[..bold])}[/]{Markup.Escape(text[bold..])}");
    }

    private long HourIndex(DateTimeOffset time) => (long)Math.Floor((time - prepared.Start) / Hour);

    private void Prune()
    {
        // Only the latest windows are ever shown: keep the hours of the longest window before the clock's hour.
        var oldestHour = HourIndex(clock.Now) - 2 * WindowHours[^1];
        foreach (var hour in _hours.Keys.Where(h => h < oldestHour).ToArray())
        {
            _hours.Remove(hour);
        }

        var oldestEnd = prepared.Start + (oldestHour - 1) * Hour;
        foreach (var key in _final.Keys.Where(k => k.End < oldestEnd).ToArray())
        {
            _final.Remove(key);
        }
    }

}
