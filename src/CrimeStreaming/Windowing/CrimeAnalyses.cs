using System.Reactive.Linq;
using CrimeStreaming.Aggregation;

namespace CrimeStreaming.Windowing;

/// <summary>
/// The original study's analyses as one-line calls on a stream of reports cut into batches
/// (<c>reports.ToDStream(TimeSpan.FromHours(1), clock.Scheduler)</c>).
/// </summary>
/// <remarks>
/// <para>"Near" defaults to the original's test: Euclidean distance below 0.02 degrees from USC (34.021861, −118.282942);
/// pass <c>r =&gt; r.IsWithinMetres(GeoPoint.Usc, 2000)</c> for a proper radius. Unknown locations are never near.</para>
/// <para>The counts per type (<see cref="RunningTotalsByType"/>, <see cref="CountByTypeSliding"/>) are DStreams of
/// (type, count) pairs, to be transformed further like any DStream. The snapshots (<see cref="PerBatch"/>,
/// <see cref="OverWindow"/>, <see cref="EventTimeSnapshots"/>) are finished reports, one <see cref="CrimeSnapshot"/> with
/// its own bounds per batch or window: the same type whichever clock made them, so processing-time and event-time
/// figures compare directly.</para>
/// </remarks>
public static class CrimeAnalyses
{
    /// <summary>The crime type used for a report without a description (reports of interest always have one).</summary>
    public const string NoDescription = "(no description)";

    /// <summary>The original "near USC" test.</summary>
    public static Func<CrimeRecord, bool> NearUscAsOriginal { get; } = r => r.IsWithinDegrees(GeoPoint.Usc);

    /// <summary>Per batch: total crimes, crimes near the place, top crime types and top areas.</summary>
    public static IObservable<CrimeSnapshot> PerBatch(this DStream<CrimeReport> reports, Func<CrimeRecord, bool>? isNear = null, int top = 5)
    {
        ArgumentNullException.ThrowIfNull(reports);
        return reports.OverWindow(reports.BatchInterval, reports.BatchInterval, isNear, top);
    }

    /// <summary>The same four figures over the last <paramref name="windowLength"/>, every <paramref name="slide"/> (incremental).</summary>
    /// <exception cref="ArgumentException">A duration is not a multiple of the batch interval.</exception>
    public static IObservable<CrimeSnapshot> OverWindow(this DStream<CrimeReport> reports, TimeSpan windowLength, TimeSpan slide, Func<CrimeRecord, bool>? isNear = null, int top = 5)
    {
        ArgumentNullException.ThrowIfNull(reports);
        ArgumentOutOfRangeException.ThrowIfLessThan(top, 1);
        return reports
            .AggregateOverWindow(new CrimeSnapshotAggregate(isNear, top), windowLength, slide)
            .Select(w => w.Value.ToSnapshot(w.Start, w.End));
    }

    /// <summary>The original's windowed figures: over the last <paramref name="hours"/> simulated hours, sliding every hour (1, 6 and 12 in the study).</summary>
    public static IObservable<CrimeSnapshot> OverLastHours(this DStream<CrimeReport> reports, int hours, Func<CrimeRecord, bool>? isNear = null, int top = 5)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(hours, 1);
        return reports.OverWindow(TimeSpan.FromHours(hours), TimeSpan.FromHours(1), isNear, top);
    }

    /// <summary>Running totals per crime type since the start, after every batch (the Structured Streaming job, complete mode).</summary>
    /// <remarks>One (type, count) pair per crime type seen so far; see <see cref="DStreamExtensions.RunningCount{T, TKey}"/>.
    /// <c>.TopK(5)</c> ranks them.</remarks>
    public static DStream<KeyCount<string>> RunningTotalsByType(this DStream<CrimeReport> reports)
    {
        ArgumentNullException.ThrowIfNull(reports);
        return reports.RunningCount(r => r.Record.CrimeDescription ?? NoDescription);
    }

    /// <summary>
    /// Count per crime type over a sliding window (the Flink job: 5 s sliding by 1 s, i.e. five batches sliding by one
    /// when one real second is one batch).
    /// </summary>
    /// <remarks>One batch per slide, spanning the window, with a (type, count) pair per crime type in it; see
    /// <see cref="WindowExtensions.CountByValueAndWindow{T, TKey}"/>.</remarks>
    /// <exception cref="ArgumentException">A duration is not a multiple of the batch interval.</exception>
    public static DStream<KeyCount<string>> CountByTypeSliding(this DStream<CrimeReport> reports, TimeSpan windowLength, TimeSpan slide)
    {
        ArgumentNullException.ThrowIfNull(reports);
        return reports.CountByValueAndWindow(r => r.Record.CrimeDescription ?? NoDescription, windowLength, slide);
    }

    /// <summary>
    /// Count per crime type over event-time windows of the reports' <see cref="CrimeReport.ReportTime"/>, each emitted once
    /// when the watermark (latest report time − <paramref name="allowedDisorder"/>) passes its end. Use it when reports
    /// arrive out of order (several officers, several Kafka partitions).
    /// </summary>
    /// <param name="reports">The reports, in arrival order.</param>
    /// <param name="windowLength">The window length (one hour, say).</param>
    /// <param name="slide">Distance between window starts; equal to <paramref name="windowLength"/> for tumbling windows.</param>
    /// <param name="allowedDisorder">How far behind the latest report time a report may arrive and still count.</param>
    /// <param name="late">Receives the reports that came too late for all their windows.</param>
    /// <param name="origin">What windows are aligned to. The default value is the Unix epoch, so hour windows start on the hour (UTC).</param>
    /// <remarks>See
    /// <see cref="EventTimeWindowExtensions.EventTimeWindows{T, TAggregate}"/> for the full semantics.</remarks>
    public static IObservable<Windowed<IReadOnlyDictionary<string, long>>> CountByTypeInEventTime(
        this IObservable<CrimeReport> reports, TimeSpan windowLength, TimeSpan slide, TimeSpan allowedDisorder, IObserver<CrimeReport>? late = null, DateTimeOffset? origin = null)
    {
        ArgumentNullException.ThrowIfNull(reports);
        return reports.CountByKeyInEventTimeWindows(r => r.ReportTime, r => r.Record.CrimeDescription ?? NoDescription, windowLength, slide, allowedDisorder, late, origin);
    }

    /// <summary>
    /// The four figures over event-time windows of report time (see
    /// <see cref="EventTimeWindowExtensions.EventTimeWindows{T, TAggregate}"/>): right for a stream read back from Kafka,
    /// where partitions interleave and arrival order is not report order. Each window is reported once, when the
    /// watermark (latest report time − <paramref name="allowedDisorder"/>) passes its end; reports later than that go
    /// to <paramref name="late"/>.
    /// </summary>
    /// <param name="reports">The reports, in any order.</param>
    /// <param name="windowLength">The window length, e.g. 6 hours.</param>
    /// <param name="slide">The slide, e.g. 1 hour (equal to the length for per-hour tumbling windows).</param>
    /// <param name="allowedDisorder">How far behind the latest report time a report may arrive and still count.</param>
    /// <param name="late">Receives reports that arrived after their windows were reported.</param>
    /// <param name="isNear">The "near" test. The default is the original's (0.02 degrees from USC).</param>
    /// <param name="top">How many crime types and areas to rank. The default value is 5.</param>
    /// <param name="origin">What windows are aligned to, e.g. the simulation start. The default value is the Unix epoch.</param>
    public static IObservable<CrimeSnapshot> EventTimeSnapshots(
        this IObservable<CrimeReport> reports,
        TimeSpan windowLength,
        TimeSpan slide,
        TimeSpan allowedDisorder,
        IObserver<CrimeReport>? late = null,
        Func<CrimeRecord, bool>? isNear = null,
        int top = 5,
        DateTimeOffset? origin = null)
    {
        ArgumentNullException.ThrowIfNull(reports);
        ArgumentOutOfRangeException.ThrowIfLessThan(top, 1);
        return reports
            .AggregateInEventTime(new CrimeSnapshotAggregate(isNear, top), r => r.ReportTime, windowLength, slide, allowedDisorder, late, origin)
            .Select(w => w.Value.ToSnapshot(w.Start, w.End));
    }
}
