using CrimeStreaming.Csv;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace CrimeStreaming;

/// <summary>
/// Replays a batch of historic crime records as if police officers were reporting them now.
/// </summary>
/// <remarks>
/// <para>The pipeline keeps the original simulator's stages, each an overridable step:
/// <see cref="Load"/> → <see cref="IsOfInterest"/> (filter) → <see cref="SimulateReportTime"/> → drop reports not after
/// the simulation start → <see cref="AssignOfficers"/> → <see cref="Partition"/> (one sorted partition per officer) →
/// <see cref="ReplayOfficersAsync"/> on a <see cref="SimulationClock"/> into an <see cref="ICrimeReportSink"/>.</para>
/// <para>Randomness is seeded: delays come from one generator and officer assignment from another, both consumed in
/// input order, so the same seed and input give the same reports, officers and order — also for a subclass that
/// partitions differently, as long as it keeps <see cref="AssignOfficers"/>.</para>
/// <para>Officers are dealt reports like cards: every round of N reports (in input order) goes to the N officers in a
/// freshly shuffled order. That is a random split whose part sizes differ by at most one, and it needs no second
/// pass over the data, so disk-backed subclasses can assign while streaming.</para>
/// </remarks>
public abstract class CrimeStreamer
{
    private StreamingProgress? _progress;
    private readonly LocalTimeConverter _localTime;

    /// <summary>Creates a streamer over <paramref name="source"/>.</summary>
    /// <param name="source">Where the records come from.</param>
    /// <param name="options">The options; validated and copied. The default is <see cref="CrimeStreamerOptions"/>' defaults.</param>
    /// <param name="logger">Where progress is logged. The default logs nothing.</param>
    /// <param name="timeProvider">Real time for the accelerated clock. The default is <see cref="TimeProvider.System"/>.</param>
    protected CrimeStreamer(ICrimeRecordSource source, CrimeStreamerOptions? options = null, ILogger? logger = null, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(source);
        var copy = (options ?? new CrimeStreamerOptions()).Clone();
        copy.Validate();
        copy.CrimesOfInterest = copy.CrimesOfInterest.ToArray();
        Source = source;
        Options = copy;
        Logger = logger ?? NullLogger.Instance;
        TimeProvider = timeProvider ?? TimeProvider.System;
        _localTime = new LocalTimeConverter(copy.TimeZone);
    }

    /// <summary>Where the records come from.</summary>
    public ICrimeRecordSource Source { get; }

    /// <summary>The validated options (a copy: changing the caller's object later has no effect).</summary>
    public CrimeStreamerOptions Options { get; }

    /// <summary>The live counters of the current (or last) run, or <see langword="null"/> before the first one.</summary>
    public StreamingProgress? Progress => Volatile.Read(ref _progress);

    /// <summary>The logger.</summary>
    protected ILogger Logger { get; }

    /// <summary>Real time for the accelerated clock.</summary>
    protected TimeProvider TimeProvider { get; }

    /// <summary>Prepares and replays in one call, on the clock <see cref="CreateClock"/> makes from the options.</summary>
    /// <returns>The summary; <see cref="StreamingSummary.Cancelled"/> tells if <paramref name="cancellationToken"/> stopped the replay.</returns>
    public async Task<StreamingSummary> RunAsync(ICrimeReportSink sink, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(sink);
        PreparedReplay prepared;
        try
        {
            prepared = await PrepareAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            await sink.CompleteAsync(null, CancellationToken.None).ConfigureAwait(false);
            return (Progress ?? new StreamingProgress(Options.Seed ?? 0, Options.Officers, 0)).Snapshot(cancelled: true);
        }

        using (prepared)
        {
            return await ReplayAsync(prepared, CreateClock(prepared.Start), sink, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Creates the clock the options ask for: virtual when <see cref="CrimeStreamerOptions.AsFastAsPossible"/>, else accelerated.</summary>
    public SimulationClock CreateClock(DateTimeOffset start) =>
        Options.AsFastAsPossible ? new VirtualClock(start) : new AcceleratedClock(start, Options.Acceleration, TimeProvider);

    /// <summary>Runs the preparation stages on a worker thread.</summary>
    public Task<PreparedReplay> PrepareAsync(CancellationToken cancellationToken = default) =>
        Task.Run(() => Prepare(cancellationToken), cancellationToken);

    /// <summary>Runs the preparation stages: load, filter, simulate report times, drop before start, assign, partition.</summary>
    public PreparedReplay Prepare(CancellationToken cancellationToken = default)
    {
        var seed = Options.Seed ?? Random.Shared.Next();
        var progress = new StreamingProgress(seed, Options.Officers, maxRecordedErrors: 1000);
        Volatile.Write(ref _progress, progress);
        Logger.LogInformation("Preparing {Source} with {Officers} officers, seed {Seed}", Source.Name, Options.Officers, seed);

        var delays = new Random(seed);
        var deals = new Random(unchecked(seed * -1640531535) ^ 0x5bd1e995);
        var bounds = new ReportTimeBounds();
        var timed = SimulateReportTimes(Filter(Load(progress, cancellationToken), progress), delays);
        var kept = DropBeforeStart(timed, progress, bounds);
        var partitions = Partition(AssignOfficers(kept, Options.Officers, deals, progress), Options.Officers, cancellationToken);
        if (partitions.Count != Options.Officers)
        {
            throw new InvalidOperationException($"{GetType().Name}.Partition returned {partitions.Count} partitions for {Options.Officers} officers.");
        }

        var start = Options.SimulationStart ?? DefaultStart(bounds.First);
        progress.SimulationStart = start;
        progress.LastReportTime = bounds.Last;
        Logger.LogInformation(
            "Prepared {Scheduled} reports of {Read} rows ({Skipped} skipped); simulation starts {Start:o}",
            progress.Scheduled, progress.Input.RowsRead, progress.Input.RowsSkipped, start);
        return new PreparedReplay(partitions, start, bounds.First, bounds.Last, progress);
    }

    /// <summary>Replays prepared partitions on <paramref name="clock"/> into <paramref name="sink"/>.</summary>
    /// <remarks>
    /// The sink is completed exactly once, also on cancellation or failure. Cancellation returns a summary with
    /// <see cref="StreamingSummary.Cancelled"/> set; a failure of the sink is rethrown after completing it.
    /// </remarks>
    public async Task<StreamingSummary> ReplayAsync(PreparedReplay prepared, SimulationClock clock, ICrimeReportSink sink, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(prepared);
        ArgumentNullException.ThrowIfNull(clock);
        ArgumentNullException.ThrowIfNull(sink);
        var progress = prepared.Progress;
        Volatile.Write(ref _progress, progress);
        clock.Run();
        var cancelled = false;
        Exception? failure = null;
        try
        {
            await ReplayOfficersAsync(prepared, clock, sink, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            cancelled = true;
        }
        catch (Exception e)
        {
            failure = e;
        }

        await sink.CompleteAsync(failure, CancellationToken.None).ConfigureAwait(false);
        var summary = progress.Snapshot(cancelled);
        Logger.LogInformation("Replay {Outcome}: {Emitted} of {Scheduled} reports emitted", cancelled ? "stopped" : failure is null ? "completed" : "failed", summary.Emitted, summary.Scheduled);
        if (failure is not null)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(failure).Throw();
        }

        return summary;
    }

    /// <summary>Stage 1: loads the batch. The default reads <see cref="Source"/>, counting rows in <see cref="StreamingProgress.Input"/>.</summary>
    /// <remarks>
    /// When the source is a CSV file and <see cref="IsOfInterest"/> is not overridden, rows are filtered on their
    /// description before the rest of the row is parsed (counted as filtered out, exactly as the filter stage would):
    /// most rows of a city file are not crimes of interest. Such rows' other fields are therefore not validated.
    /// </remarks>
    protected virtual IEnumerable<CrimeRecord> Load(StreamingProgress progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(progress);
        var filterOverridden = GetType().GetMethod(nameof(IsOfInterest), System.Reflection.BindingFlags.Instance | System.Reflection.BindingFlags.NonPublic)!.DeclaringType != typeof(CrimeStreamer);
        if (Source is CsvCrimeRecordSource csv && !filterOverridden)
        {
            return csv.Read(progress.Input, new DescriptionPrefilter(DescriptionIsOfInterest, progress.OnMissingDescription, progress.OnNotOfInterest), cancellationToken);
        }

        return Source.Read(progress.Input, cancellationToken);
    }

    /// <summary>Stage 2: is this a crime of interest? The default: the description contains any of <see cref="CrimeStreamerOptions.CrimesOfInterest"/>, ignoring case.</summary>
    /// <remarks>Only called for records that have a description; the others are dropped and counted before.</remarks>
    protected virtual bool IsOfInterest(CrimeRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        return DescriptionIsOfInterest(record.CrimeDescription!);
    }

    private bool DescriptionIsOfInterest(string description)
    {
        var words = Options.CrimesOfInterest;
        if (words.Count == 0)
        {
            return true;
        }

        foreach (var word in words)
        {
            if (description.Contains(word, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Stage 3: the simulated report time: occurrence (in <see cref="CrimeStreamerOptions.TimeZone"/>) plus a uniformly random whole number of minutes in [min, max) delay.</summary>
    protected virtual DateTimeOffset SimulateReportTime(CrimeRecord record, Random random)
    {
        var minutes = random.Next((int)Options.MinReportDelay.TotalMinutes, (int)Options.MaxReportDelay.TotalMinutes);
        return _localTime.ToOffset(record.Occurred).AddMinutes(minutes);
    }

    /// <summary>
    /// Stage 5: deals the reports (in input order) to officers: each round of <paramref name="officers"/> reports goes to
    /// the officers in a freshly shuffled order. Streaming; part sizes differ by at most one.
    /// </summary>
    protected virtual IEnumerable<CrimeReport> AssignOfficers(IEnumerable<(CrimeRecord Record, DateTimeOffset ReportTime)> reports, int officers, Random random, StreamingProgress progress)
    {
        var order = new int[officers];
        var position = officers;
        foreach (var (record, reportTime) in reports)
        {
            if (position == officers)
            {
                for (var i = 0; i < officers; i++)
                {
                    order[i] = i + 1;
                }

                random.Shuffle(order);
                position = 0;
            }

            progress.OnScheduled();
            yield return new CrimeReport(record, reportTime, order[position++]);
        }
    }

    /// <summary>Stage 6: groups the assigned reports per officer and sorts each group by report time (ties keep input order).</summary>
    /// <returns>Exactly <paramref name="officers"/> partitions, officer 1 first.</returns>
    protected abstract IReadOnlyList<OfficerPartition> Partition(IEnumerable<CrimeReport> reports, int officers, CancellationToken cancellationToken);

    /// <summary>
    /// Stage 7: every officer emits its reports when the clock reaches their report time. On a virtual clock the officers
    /// are merged in (report time, officer) order on one thread, deterministically; on a real-time clock they run concurrently.
    /// </summary>
    protected virtual Task ReplayOfficersAsync(PreparedReplay prepared, SimulationClock clock, ICrimeReportSink sink, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(prepared);
        ArgumentNullException.ThrowIfNull(clock);
        ArgumentNullException.ThrowIfNull(sink);
        return clock.IsVirtual
            ? ReplayMergedAsync(prepared, clock, sink, cancellationToken)
            : ReplayConcurrentlyAsync(prepared, clock, sink, cancellationToken);
    }

    private static async Task ReplayMergedAsync(PreparedReplay prepared, SimulationClock clock, ICrimeReportSink sink, CancellationToken cancellationToken)
    {
        var queue = new PriorityQueue<IEnumerator<CrimeReport>, (long Ticks, int Officer)>();
        var open = new List<IEnumerator<CrimeReport>>();
        try
        {
            foreach (var officer in prepared.Officers)
            {
                var e = officer.Reports.GetEnumerator();
                open.Add(e);
                if (e.MoveNext())
                {
                    queue.Enqueue(e, (e.Current.ReportTime.UtcTicks, officer.OfficerId));
                }
            }

            while (queue.TryDequeue(out var e, out var key))
            {
                var report = e.Current;
                await clock.WaitUntilAsync(report.ReportTime, cancellationToken).ConfigureAwait(false);
                await sink.WriteAsync(report, cancellationToken).ConfigureAwait(false);
                prepared.Progress.OnEmitted();
                if (e.MoveNext())
                {
                    queue.Enqueue(e, (e.Current.ReportTime.UtcTicks, key.Officer));
                }
            }
        }
        finally
        {
            foreach (var e in open)
            {
                e.Dispose();
            }
        }
    }

    private static async Task ReplayConcurrentlyAsync(PreparedReplay prepared, SimulationClock clock, ICrimeReportSink sink, CancellationToken cancellationToken)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var officers = prepared.Officers.Select(officer => Task.Run(
            async () =>
            {
                try
                {
                    foreach (var report in officer.Reports)
                    {
                        await clock.WaitUntilAsync(report.ReportTime, stop.Token).ConfigureAwait(false);
                        await sink.WriteAsync(report, stop.Token).ConfigureAwait(false);
                        prepared.Progress.OnEmitted();
                    }
                }
                catch
                {
                    // One officer failing (or being stopped) stops the others.
                    await stop.CancelAsync().ConfigureAwait(false);
                    throw;
                }
            },
            CancellationToken.None)).ToArray();
        try
        {
            await Task.WhenAll(officers).ConfigureAwait(false);
        }
        catch
        {
            // Prefer the root cause over the cancellations it caused in the other officers.
            var root = officers.Where(t => t.IsFaulted).Select(t => t.Exception!.InnerException!).FirstOrDefault(e => e is not OperationCanceledException);
            if (root is not null)
            {
                System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(root).Throw();
            }

            throw;
        }
    }

    private IEnumerable<CrimeRecord> Filter(IEnumerable<CrimeRecord> records, StreamingProgress progress)
    {
        foreach (var record in records)
        {
            if (string.IsNullOrWhiteSpace(record.CrimeDescription))
            {
                progress.OnMissingDescription();
            }
            else if (IsOfInterest(record))
            {
                yield return record;
            }
            else
            {
                progress.OnNotOfInterest();
            }
        }
    }

    private IEnumerable<(CrimeRecord Record, DateTimeOffset ReportTime)> SimulateReportTimes(IEnumerable<CrimeRecord> records, Random random)
    {
        foreach (var record in records)
        {
            yield return (record, SimulateReportTime(record, random));
        }
    }

    private IEnumerable<(CrimeRecord Record, DateTimeOffset ReportTime)> DropBeforeStart(IEnumerable<(CrimeRecord Record, DateTimeOffset ReportTime)> reports, StreamingProgress progress, ReportTimeBounds bounds)
    {
        var start = Options.SimulationStart;
        foreach (var report in reports)
        {
            if (start is { } s && report.ReportTime <= s)
            {
                progress.OnBeforeStart();
                continue;
            }

            bounds.Add(report.ReportTime);
            yield return report;
        }
    }

    private DateTimeOffset DefaultStart(DateTimeOffset? first)
    {
        if (first is not { } f)
        {
            return TimeZones.ToOffset(DateTime.UnixEpoch, Options.TimeZone);
        }

        var local = TimeZoneInfo.ConvertTime(f, Options.TimeZone);
        return TimeZones.ToOffset(local.Date, Options.TimeZone);
    }

    private sealed class ReportTimeBounds
    {
        public DateTimeOffset? First { get; private set; }

        public DateTimeOffset? Last { get; private set; }

        public void Add(DateTimeOffset time)
        {
            if (First is null || time < First)
            {
                First = time;
            }

            if (Last is null || time > Last)
            {
                Last = time;
            }
        }
    }
}
