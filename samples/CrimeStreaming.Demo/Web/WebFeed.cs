using System.Diagnostics;
using System.Globalization;
using CrimeStreaming.Kafka;
using CrimeStreaming.ScaleOut;
using CrimeStreaming.Windowing;

namespace CrimeStreaming.Demo.Web;

/// <summary>What the Kafka side of the run has done so far, as the terminal dashboard and the summary count it.</summary>
/// <param name="Delivery">The producer's counts (this process's shard).</param>
/// <param name="Consumed">Reports read back by this process's analysis instances.</param>
/// <param name="Lost">Messages deleted by retention before they were read (input and results topics).</param>
/// <param name="Late">Reports that came after their window had closed.</param>
internal sealed record KafkaCounts(KafkaDeliverySummary Delivery, long Consumed, long Lost, long Late);

/// <summary>
/// Everything the web page shows, gathered from the run: the reports read back (points for the map, outlines of the
/// areas), the global window results, the clock and the Kafka counts. Fed from the analysis threads; read by the
/// server's frame loop, a few times a second.
/// </summary>
/// <remarks>
/// The points are throttled here: between two frames at most <see cref="PointsPerFrame"/> reports are kept, a uniform
/// sample of those read back meanwhile (reservoir sampling), so a run at full speed costs the browser as much as a
/// slow one. Windows are kept per length (the newest and a short history).
/// </remarks>
internal sealed class WebFeed
{
    /// <summary>The most points a frame carries.</summary>
    public const int PointsPerFrame = 400;

    /// <summary>Window results kept per length for the page's timeline (and sent to a page when it connects).</summary>
    public const int HistoryPerLength = 96;

    /// <summary>The most new window results a frame carries (the newest; a page connecting later gets the history).</summary>
    public const int WindowsPerFrame = 3 * HistoryPerLength;

    // Points outside this box (far beyond the city: geocoding errors) are counted but not drawn.
    private const double MinLatitude = 33.2, MaxLatitude = 34.9, MinLongitude = -119.2, MaxLongitude = -117.4;

    private readonly PreparedReplay _prepared;
    private readonly SimulationClock _clock;
    private readonly Dashboard _dashboard;
    private readonly Func<KafkaCounts> _kafka;
    private readonly string _bootstrap;
    private readonly string _topic;
    private readonly object _gate = new();
    private readonly double[] _sample = new double[PointsPerFrame * 3];
    private readonly Dictionary<int, Queue<WindowPoint>> _history = [];
    private readonly Dictionary<int, CrimeSnapshot> _newest = [];
    private readonly Queue<WindowPoint> _fresh = new();
    private readonly Dictionary<string, AreaOutline> _areas = new(StringComparer.Ordinal);
    private readonly Stopwatch _watch = Stopwatch.StartNew();
    private long _seenSinceFrame;
    private long _reports;
    private long _located;
    private readonly RateMeter _rateMeter = new();
    private volatile string _phase = "replaying";

    public WebFeed(PreparedReplay prepared, SimulationClock clock, ReplayControl? control, Dashboard dashboard, Func<KafkaCounts> kafka, string bootstrap, string topic)
    {
        _prepared = prepared;
        _clock = clock;
        Control = control;
        _dashboard = dashboard;
        _kafka = kafka;
        _bootstrap = bootstrap;
        _topic = topic;
        foreach (var hours in Dashboard.WindowHours)
        {
            _history[hours] = new Queue<WindowPoint>();
        }
    }

    /// <summary>The replay's controls; <see langword="null"/> for a replay on virtual time (nothing to steer).</summary>
    public ReplayControl? Control { get; }

    /// <summary>Where the run is: <c>replaying</c>, <c>finishing</c> (the replay is over, the analysis completes) or <c>done</c>.</summary>
    public string Phase
    {
        get => _phase;
        set => _phase = value;
    }

    /// <summary>A report read back from Kafka: a point on the map (when it has a location) and a point of its area's outline.</summary>
    public void OnReport(CrimeReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        Interlocked.Increment(ref _reports);
        if (report.Record.Location is not { } p || p.Latitude is < MinLatitude or > MaxLatitude || p.Longitude is < MinLongitude or > MaxLongitude)
        {
            return;
        }

        var kind = (double)Kind(report.Record.CrimeDescription);
        lock (_gate)
        {
            _located++;
            var seen = ++_seenSinceFrame;
            var slot = seen <= PointsPerFrame ? seen - 1 : Random.Shared.NextInt64(seen);
            if (slot < PointsPerFrame)
            {
                var i = (int)slot * 3;
                _sample[i] = Math.Round(p.Latitude, 5);
                _sample[i + 1] = Math.Round(p.Longitude, 5);
                _sample[i + 2] = kind;
            }

            var area = report.Record.AreaName;
            if (!_areas.TryGetValue(area, out var outline))
            {
                _areas[area] = outline = new AreaOutline(area);
            }

            outline.Add(p.Latitude, p.Longitude);
        }
    }

    /// <summary>A global window result, as the results reader emits it.</summary>
    public void OnWindow(GlobalWindowResult window)
    {
        ArgumentNullException.ThrowIfNull(window);
        var s = window.Snapshot;
        var point = new WindowPoint(window.Hours, s.End.ToUnixTimeMilliseconds(), s.Total, s.Near);
        lock (_gate)
        {
            if (!_history.TryGetValue(window.Hours, out var history))
            {
                return; // a length the page does not show
            }

            if (!_newest.TryGetValue(window.Hours, out var newest) || s.End >= newest.End)
            {
                _newest[window.Hours] = s;
            }

            history.Enqueue(point);
            if (history.Count > HistoryPerLength)
            {
                history.Dequeue();
            }

            _fresh.Enqueue(point);
            if (_fresh.Count > WindowsPerFrame)
            {
                _fresh.Dequeue();
            }
        }
    }

    /// <summary>The crime type's colour class on the map: 0 assault, 1 burglary, 2 robbery, 3 anything else.</summary>
    public static int Kind(string? description) => description switch
    {
        null => 3,
        _ when description.Contains("ROBBERY", StringComparison.Ordinal) => 2,
        _ when description.Contains("BURGLARY", StringComparison.Ordinal) => 1,
        _ when description.Contains("ASSAULT", StringComparison.Ordinal) => 0,
        _ => 3,
    };

    /// <summary>
    /// The points and window results since the previous call (at most <see cref="PointsPerFrame"/> points: a uniform
    /// sample when more came), for the next frame.
    /// </summary>
    public (double[] Points, long PointsSeen, WindowPoint[] Windows) Take()
    {
        lock (_gate)
        {
            var kept = (int)Math.Min(_seenSinceFrame, PointsPerFrame);
            var points = _sample.AsSpan(0, kept * 3).ToArray();
            var seen = _seenSinceFrame;
            _seenSinceFrame = 0;
            var windows = _fresh.ToArray();
            _fresh.Clear();
            return (points, seen, windows);
        }
    }

    /// <summary>Every window result kept, oldest first per length: what a page gets when it connects.</summary>
    public WindowPoint[] History()
    {
        lock (_gate)
        {
            return [.. _history.Values.SelectMany(h => h)];
        }
    }

    /// <summary>Each area's outline (the convex hull of its reports so far) and label point (their mean).</summary>
    public AreaShape[] Areas()
    {
        lock (_gate)
        {
            return [.. _areas.Values.OrderBy(a => a.Name, StringComparer.Ordinal).Select(a => a.Shape())];
        }
    }

    /// <summary>The state shown on the page and answered by <c>GET /api/state</c>.</summary>
    public WebState State()
    {
        var realMs = _watch.ElapsedMilliseconds;

        // One reading: the time, the pace and the pause shown together are those the clock had together.
        var reading = _clock is AcceleratedClock steered ? steered.Read() : (AcceleratedClockReading?)null;
        var now = reading?.Now ?? _clock.Now;
        var clock = new ClockState(
            _clock.Start,
            now,
            LosAngeles(now, "yyyy-MM-dd HH:mm:ss zzz"),
            now.ToUnixTimeMilliseconds(),
            realMs,
            reading?.Acceleration,
            reading?.IsPaused ?? false,
            reading is { IsHeld: true, IsPaused: false },
            _clock.IsVirtual,
            Control is not null,
            Control?.MinAcceleration,
            Control?.MaxAcceleration);

        var progress = _prepared.Progress;
        var counts = _kafka();
        var rates = _rateMeter.Update(counts.Delivery.Delivered, counts.Consumed);
        var delivery = counts.Delivery;
        var kafka = new KafkaState(
            _bootstrap,
            _topic,
            delivery.Produced,
            delivery.Delivered,
            delivery.Failed,
            delivery.Pending,
            counts.Consumed,
            Math.Max(0, delivery.Delivered - counts.Consumed),
            delivery.MaxConsumerLag,
            delivery.LagWaits,
            counts.Lost,
            counts.Late,
            Math.Round(rates.Produce),
            Math.Round(rates.Consume));

        var windows = new List<WindowState>();
        var end = _dashboard.ShownEnd(now);
        var quiet = false;
        Dictionary<int, CrimeSnapshot> newest;
        lock (_gate)
        {
            newest = new(_newest);
        }

        // Every length is closed by one watermark: the newest end emitted is where all of them are complete. A length
        // whose newest window ends earlier had an empty one there (empty windows are not emitted).
        DateTimeOffset? closed = newest.Count == 0 ? null : newest.Values.Max(s => s.End);
        foreach (var hours in Dashboard.WindowHours)
        {
            var complete = closed is not { } c ? null
                : newest.TryGetValue(hours, out var n) && n.End == c ? n
                : new CrimeSnapshot(c.AddHours(-hours), c, 0, 0, [], []);

            // The open one: the clock's latest hour while Kafka may still add to it.
            (CrimeSnapshot Snapshot, bool Final)? shown = end is { } e ? _dashboard.Window(hours, e) : null;
            var open = shown is { Final: false } o && (complete is null || o.Snapshot.End > complete.End) ? o.Snapshot : null;
            windows.Add(new WindowState(hours, Snapshot(complete), Snapshot(open)));
            if (hours == Dashboard.WindowHours[^1] && shown is { } longest && longest.Snapshot.Total == 0)
            {
                quiet = true;
            }
        }

        string? hint = null;
        if (quiet && Phase == "replaying" && Control is not null && !clock.Paused)
        {
            hint = Dashboard.QuietHint;
        }

        long reports;
        long located;
        lock (_gate)
        {
            reports = _reports;
            located = _located;
        }

        return new WebState(
            Phase,
            clock,
            new ProgressState(progress.Emitted, _prepared.Count, _prepared.Shard.Count > 1 ? _prepared.Shard.ToString() : null),
            kafka,
            windows,
            new MapState(reports, located, GeoPoint.Usc.Latitude, GeoPoint.Usc.Longitude, GeoFilters.OriginalDegreesThreshold),
            hint);
    }

    private static SnapshotState? Snapshot(CrimeSnapshot? s) => s is null
        ? null
        : new SnapshotState(
            s.Start.ToUnixTimeMilliseconds(),
            s.End.ToUnixTimeMilliseconds(),
            LosAngeles(s.End, "yyyy-MM-dd HH:mm"),
            s.Total,
            s.Near,
            [.. s.TopCrimeTypes.Select(k => new Ranked(k.Key, k.Count))],
            [.. s.TopAreas.Select(k => new Ranked(k.Key, k.Count))]);

    private static string LosAngeles(DateTimeOffset time, string format) =>
        TimeZoneInfo.ConvertTime(time, TimeZones.LosAngeles).ToString(format, CultureInfo.InvariantCulture);


    /// <summary>An area's reports so far, reduced to their convex hull and their mean; the hull is recomputed in batches.</summary>
    private sealed class AreaOutline(string name)
    {
        private readonly List<(double Lat, double Lon)> _pending = [];
        private List<(double Lat, double Lon)> _hull = [];
        private double _sumLat;
        private double _sumLon;
        private long _count;

        public string Name { get; } = name;

        public void Add(double lat, double lon)
        {
            _count++;
            _sumLat += lat;
            _sumLon += lon;
            _pending.Add((lat, lon));
            if (_pending.Count >= 64)
            {
                Merge();
            }
        }

        public AreaShape Shape()
        {
            Merge();
            return new AreaShape(
                Name,
                _count,
                Math.Round(_sumLat / _count, 5),
                Math.Round(_sumLon / _count, 5),
                [.. _hull.SelectMany(p => new[] { Math.Round(p.Lat, 5), Math.Round(p.Lon, 5) })]);
        }

        private void Merge()
        {
            if (_pending.Count == 0)
            {
                return;
            }

            _pending.AddRange(_hull);
            _hull = ConvexHull(_pending);
            _pending.Clear();
        }
    }

    /// <summary>Andrew's monotone chain: the hull's corners, counter-clockwise (longitude as x, latitude as y).</summary>
    internal static List<(double Lat, double Lon)> ConvexHull(IEnumerable<(double Lat, double Lon)> points)
    {
        var sorted = points.Distinct().OrderBy(p => p.Lon).ThenBy(p => p.Lat).ToList();
        if (sorted.Count < 3)
        {
            return sorted;
        }

        static double Cross((double Lat, double Lon) o, (double Lat, double Lon) a, (double Lat, double Lon) b) =>
            ((a.Lon - o.Lon) * (b.Lat - o.Lat)) - ((a.Lat - o.Lat) * (b.Lon - o.Lon));

        var hull = new List<(double Lat, double Lon)>(2 * sorted.Count);
        foreach (var pass in new[] { sorted, Enumerable.Reverse(sorted).ToList() })
        {
            var floor = hull.Count;
            foreach (var p in pass)
            {
                while (hull.Count >= floor + 2 && Cross(hull[^2], hull[^1], p) <= 0)
                {
                    hull.RemoveAt(hull.Count - 1);
                }

                hull.Add(p);
            }

            hull.RemoveAt(hull.Count - 1); // the last point of each pass starts the other
        }

        return hull;
    }
}

/// <summary>The page's state: <c>GET /api/state</c>, and the <c>state</c> of every frame.</summary>
internal sealed record WebState(string Phase, ClockState? Clock, ProgressState? Progress, KafkaState? Kafka, IReadOnlyList<WindowState>? Windows, MapState? Map, string? Hint)
{
    /// <summary>Before the replay is prepared: the server is up, nothing else is.</summary>
    public static WebState Preparing { get; } = new("preparing", null, null, null, null, null, null);
}

/// <param name="NowMs">Simulated now, Unix milliseconds.</param>
/// <param name="RealMs">The server's monotonic milliseconds when <paramref name="NowMs"/> was read: two states give the clock's rate.</param>
/// <param name="Acceleration">Simulated seconds per real second; <see langword="null"/> on virtual time.</param>
/// <param name="Held">Stopped by the Kafka lag bound (the replay waits for the analysis), not paused.</param>
/// <param name="Steerable">Whether the controls work (not on virtual time).</param>
internal sealed record ClockState(DateTimeOffset Start, DateTimeOffset Now, string NowText, long NowMs, long RealMs, double? Acceleration, bool Paused, bool Held, bool Virtual, bool Steerable, double? MinAcceleration, double? MaxAcceleration);

internal sealed record ProgressState(long Emitted, long Total, string? Shard);

/// <param name="ConsumerLag">Delivered but not yet read back by this process (never below 0).</param>
/// <param name="MaxConsumerLag">The greatest lag the replay's lag bound measured on a partition; <see langword="null"/> without one.</param>
internal sealed record KafkaState(string Bootstrap, string Topic, long Produced, long Delivered, long Failed, long Pending, long Consumed, long ConsumerLag, long? MaxConsumerLag, long LagWaits, long Lost, long Late, double ProduceRate, double ConsumeRate);

/// <param name="Complete">The last window of this length the watermark closed; <see langword="null"/> before the first.</param>
/// <param name="Open">The window ending at the clock's latest hour, still counting; <see langword="null"/> when none is open.</param>
internal sealed record WindowState(int Hours, SnapshotState? Complete, SnapshotState? Open);

internal sealed record SnapshotState(long StartMs, long EndMs, string EndText, long Total, long Near, IReadOnlyList<Ranked> Types, IReadOnlyList<Ranked> Areas);

internal sealed record Ranked(string Name, long Count);

/// <param name="Reports">Reports read back so far.</param>
/// <param name="Located">Those with a location in the Los Angeles area (the others are not drawn).</param>
/// <param name="NearDegrees">The "near USC" test: Euclidean distance in degrees below this.</param>
internal sealed record MapState(long Reports, long Located, double UscLatitude, double UscLongitude, double NearDegrees);

/// <summary>One window result for the page's timeline.</summary>
internal sealed record WindowPoint(int Hours, long EndMs, long Total, long Near);

/// <param name="Hull">The outline's corners as latitude, longitude pairs, flattened.</param>
internal sealed record AreaShape(string Name, long Count, double Latitude, double Longitude, double[] Hull);
