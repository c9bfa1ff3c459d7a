using CrimeStreaming.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace CrimeStreaming;

/// <summary>
/// Replays a batch of historic crime records as if police officers were reporting them now.
/// </summary>
/// <remarks>
/// <para>The pipeline keeps the original simulator's stages. Each stage a subclass may change is a hook about one
/// concern, called once per record; the base class runs the stages and counts every outcome, so no override can
/// unbalance the summary:</para>
/// <list type="number">
/// <item>load: stream the <see cref="Source"/> (another input is another <see cref="ICrimeRecordSource"/>);</item>
/// <item>filter: <see cref="IsDescriptionOfInterest"/> (which the source may apply before building a record) then
/// <see cref="IsOfInterest"/> (the whole record);</item>
/// <item>report time: <see cref="SimulateReportTime"/>;</item>
/// <item>simulation span: <see cref="IsBeforeStart"/> and <see cref="IsAfterEnd"/> drop reports outside it;</item>
/// <item>officer: <see cref="AssignOfficer"/>;</item>
/// <item>storage: the <see cref="Storage"/> strategy groups the reports per officer, sorted by report time (in memory
/// or disk-backed: a strategy the streamer is given, not a stage to override);</item>
/// <item>replay: <see cref="ReplayOfficersAsync"/> on a <see cref="SimulationClock"/> into an <see cref="ICrimeReportSink"/>.</item>
/// </list>
/// <para>Randomness is seeded: delays come from one generator and officer assignment from another, both consumed in
/// input order, so the same seed and input give the same reports, officers and order — whatever the storage.</para>
/// <para>Odd data never crashes preparation: a record whose occurrence is too close to the ends of the calendar
/// (year 1 or 9999) for its time zone and delay to be applied is skipped as <c>date out of range</c>. When the latest
/// (or earliest) report lies far from the bulk of the data, typically a typo'd year, preparation warns in the log and in
/// <see cref="StreamingSummary.Warnings"/>; <see cref="CrimeStreamerOptions.SimulationEnd"/> bounds the replay.</para>
/// <para>A shard (<see cref="CrimeStreamerOptions.Shard"/>) runs every stage up to <see cref="AssignOfficer"/> over the
/// whole input, so report times and officers are the single-process ones, then keeps only its own officers' reports for
/// storage and the replay; the rest are counted in <see cref="StreamingSummary.ReportsInOtherShards"/>.</para>
/// </remarks>
public abstract class CrimeStreamer
{
    private StreamingProgress? _progress;
    private readonly LocalTimeConverter _localTime;

    /// <summary>Creates a streamer over <paramref name="source"/>.</summary>
    /// <param name="source">Where the records come from.</param>
    /// <param name="options">The options; validated and copied. The default is <see cref="CrimeStreamerOptions"/>' defaults.</param>
    /// <param name="storage">How reports are held between preparation and replay. The default is <see cref="InMemoryReportStorage"/>; <see cref="DiskBackedReportStorage"/> for batches larger than memory.</param>
    /// <param name="logger">Where progress is logged. The default logs nothing.</param>
    /// <param name="timeProvider">Real time for the accelerated clock. The default is <see cref="TimeProvider.System"/>.</param>
    protected CrimeStreamer(ICrimeRecordSource source, CrimeStreamerOptions? options = null, IReportStorage? storage = null, ILogger? logger = null, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(source);
        Storage = storage ?? InMemoryReportStorage.Instance;
        TimeProvider = timeProvider ?? TimeProvider.System;
        var copy = (options ?? new CrimeStreamerOptions()).Clone();
        copy.Validate(TimeProvider.GetUtcNow());
        copy.CrimesOfInterest = copy.CrimesOfInterest.ToArray();
        Source = source;
        Options = copy;
        Logger = logger ?? NullLogger.Instance;
        _localTime = new LocalTimeConverter(copy.TimeZone);
    }

    /// <summary>Where the records come from.</summary>
    public ICrimeRecordSource Source { get; }

    /// <summary>The validated options (a copy: changing the caller's object later has no effect).</summary>
    public CrimeStreamerOptions Options { get; }

    /// <summary>How reports are held between preparation and replay.</summary>
    public IReportStorage Storage { get; }

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
            return (Progress ?? new StreamingProgress(Options.Seed ?? 0, Options.Officers, 0, Options.Shard)).Snapshot(cancelled: true);
        }

        using (prepared)
        {
            return await ReplayAsync(prepared, CreateClock(prepared.Start), sink, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Creates the clock the options ask for: virtual when <see cref="CrimeStreamerOptions.AsFastAsPossible"/>, else
    /// accelerated, reading <paramref name="start"/> at <see cref="CrimeStreamerOptions.Epoch"/> if one is set.
    /// </summary>
    public SimulationClock CreateClock(DateTimeOffset start) =>
        Options.AsFastAsPossible ? new VirtualClock(start) : new AcceleratedClock(start, Options.Acceleration, TimeProvider, Options.Epoch);

    /// <summary>Runs the preparation stages on a worker thread.</summary>
    public Task<PreparedReplay> PrepareAsync(CancellationToken cancellationToken = default) =>
        Task.Run(() => Prepare(cancellationToken), cancellationToken);

    /// <summary>Runs the preparation stages: load, filter, simulate report times, drop before start, assign, partition.</summary>
    public PreparedReplay Prepare(CancellationToken cancellationToken = default)
    {
        var seed = Options.Seed ?? Random.Shared.Next();
        var shard = Options.Shard;
        var progress = new StreamingProgress(seed, Options.Officers, maxRecordedErrors: 1000, shard);
        Volatile.Write(ref _progress, progress);
        Logger.LogInformation("Preparing {Source} with {Officers} officers, seed {Seed}, {Shard}", Source.Name, Options.Officers, seed, shard);

        var delays = new Random(seed);
        var deck = new OfficerDeck(Options.Officers, new Random(unchecked(seed * -1640531535) ^ 0x5bd1e995));
        var bounds = new ReportTimeBounds();
        var prefilter = new DescriptionPrefilter(IsDescriptionOfInterest, progress.OnMissingDescription, progress.OnNotOfInterest);
        // Reading and parsing (most of the work) run a few batches ahead on another core; the order, and so the result, is unchanged.
        var context = new RecordReadContext(progress.Input, prefilter);
        var records = Source is IStagedRecordSource staged
            ? staged.ReadAhead(context, cancellationToken)
            : ReadAhead.Of(Source.Read(context, cancellationToken), cancellationToken);
        var partitions = Storage.Partition(Schedule(records, prefilter, delays, deck, progress, bounds), Options.Officers, cancellationToken);
        if (partitions.Count != Options.Officers)
        {
            foreach (var partition in partitions)
            {
                partition.Dispose();
            }

            throw new InvalidOperationException($"{Storage.GetType().Name}.Partition returned {partitions.Count} partitions for {Options.Officers} officers.");
        }

        var start = Options.SimulationStart ?? DefaultStart(bounds.First);
        progress.SimulationStart = start;
        progress.LastReportTime = bounds.Last;
        foreach (var warning in bounds.SpanWarnings())
        {
            progress.AddWarning(warning);
            Logger.LogWarning("{Warning}", warning);
        }

        if (progress.Input.FatalError is { } fatal)
        {
            Logger.LogError("Reading {Source} stopped early: {Error}", Source.Name, fatal);
        }

        Logger.LogInformation(
            "Prepared {Scheduled} reports of {Read} rows ({Skipped} skipped, {InOtherShards} left to other shards); simulation starts {Start:o}",
            progress.Scheduled, progress.Input.RowsRead, progress.Input.RowsSkipped, progress.ReportsInOtherShards, start);
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
            // Counted on the way to the sink, so that a replay override cannot unbalance the summary.
            await ReplayOfficersAsync(prepared, clock, new EmissionCountingSink(sink, progress), cancellationToken).ConfigureAwait(false);
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
        Logger.LogInformation("Replay {Outcome}: {Emitted} of {Scheduled} reports emitted", cancelled ? "stopped" : failure is null ? "completed" : "failed", summary.Emitted, summary.ScheduledInShard);
        if (failure is not null)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(failure).Throw();
        }

        return summary;
    }

    /// <summary>Stage 2, first half: is a crime with this description of interest? The default: the description contains any of <see cref="CrimeStreamerOptions.CrimesOfInterest"/>, ignoring case.</summary>
    /// <remarks>
    /// <para>This is the rule a source may apply before building a record (<see cref="DescriptionPrefilter"/>), which is
    /// why it sees only the description: a CSV source then skips parsing the rest of most rows of a city file. Override it
    /// to change which crimes count and keep that speed; override <see cref="IsOfInterest"/> for rules on other fields.</para>
    /// <para>Only called with a description that is not blank (records without one are dropped and counted before), and
    /// it must give the same answer for the same description. It may run on the thread that reads the input, at the same
    /// time as the other hooks run on the preparing thread: keep it a function of the description alone.</para>
    /// </remarks>
    protected virtual bool IsDescriptionOfInterest(string description)
    {
        ArgumentNullException.ThrowIfNull(description);
        var words = Options.CrimesOfInterest;
        if (words.Count == 0)
        {
            return true;
        }

        // Indexed, not foreach: an enumerator of the interface would be allocated for every row of the file.
        for (var i = 0; i < words.Count; i++)
        {
            if (description.Contains(words[i], StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Stage 2, second half: is this record, whose description is of interest, a crime to report? The default keeps every one.</summary>
    /// <remarks>Called after <see cref="IsDescriptionOfInterest"/> accepted the record's description; a record it rejects is counted as not of interest.</remarks>
    protected virtual bool IsOfInterest(CrimeRecord record) => true;

    /// <summary>Stage 3: the simulated report time: occurrence (in <see cref="CrimeStreamerOptions.TimeZone"/>) plus a uniformly random whole number of minutes in [min, max) delay.</summary>
    /// <remarks>The result carries the zone's UTC offset at the report instant, not the occurrence's: a crime at 01:50
    /// PDT reported 40 minutes later, after clocks fell back, is reported at 01:30 PST, a wall-clock time that exists.
    /// Only called for records at least two days plus <see cref="CrimeStreamerOptions.MaxReportDelay"/> from the ends of
    /// the calendar (others are skipped as <c>date out of range</c>). Draw randomness from <paramref name="random"/> only,
    /// so that a seed reproduces the run.</remarks>
    protected virtual DateTimeOffset SimulateReportTime(CrimeRecord record, Random random)
    {
        ArgumentNullException.ThrowIfNull(record);
        ArgumentNullException.ThrowIfNull(random);
        var minutes = random.Next((int)Options.MinReportDelay.TotalMinutes, (int)Options.MaxReportDelay.TotalMinutes);
        return _localTime.InZone(_localTime.ToOffset(record.Occurred).AddMinutes(minutes));
    }

    /// <summary>Stage 4: is a report at <paramref name="reportTime"/> before the simulation starts? Such reports are dropped and counted. The default: at or before <see cref="CrimeStreamerOptions.SimulationStart"/>, when one is set.</summary>
    protected virtual bool IsBeforeStart(DateTimeOffset reportTime) => Options.SimulationStart is { } start && reportTime <= start;

    /// <summary>Stage 4: is a report at <paramref name="reportTime"/> after the simulation ends? Such reports are dropped and counted. The default: after <see cref="CrimeStreamerOptions.SimulationEnd"/>, when one is set.</summary>
    protected virtual bool IsAfterEnd(DateTimeOffset reportTime) => Options.SimulationEnd is { } end && reportTime > end;

    /// <summary>Stage 5: which officer reports this crime, from 1 to <see cref="CrimeStreamerOptions.Officers"/>.</summary>
    /// <param name="record">The crime.</param>
    /// <param name="reportTime">When it is reported.</param>
    /// <param name="deck">The run's deal: <see cref="OfficerDeck.Deal"/> gives the default's next officer.</param>
    /// <remarks>The default deals reports like cards (<see cref="OfficerDeck.Deal"/>): a random split whose part sizes
    /// differ by at most one. Called once per report, in input order; an officer outside 1..<see cref="CrimeStreamerOptions.Officers"/>
    /// fails preparation with an <see cref="InvalidOperationException"/> naming the record.</remarks>
    protected virtual int AssignOfficer(CrimeRecord record, DateTimeOffset reportTime, OfficerDeck deck)
    {
        ArgumentNullException.ThrowIfNull(deck);
        return deck.Deal();
    }

    /// <summary>
    /// Stage 7: every officer emits its reports when the clock reaches their report time. On a virtual clock the officers
    /// are merged in (report time, officer) order on one thread, deterministically; on a real-time clock they run concurrently.
    /// Only the officers of <see cref="PreparedReplay.Shard"/> are replayed.
    /// </summary>
    /// <remarks>Every report written to <paramref name="sink"/> is counted as emitted; the sink is completed by the caller.</remarks>
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
            foreach (var officer in prepared.Officers.Where(o => prepared.Shard.Owns(o.OfficerId)))
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
        var officers = prepared.Officers.Where(o => prepared.Shard.Owns(o.OfficerId)).Select(officer => Task.Run(
            async () =>
            {
                try
                {
                    foreach (var report in officer.Reports)
                    {
                        await clock.WaitUntilAsync(report.ReportTime, stop.Token).ConfigureAwait(false);
                        var write = sink.WriteAsync(report, stop.Token);
                        if (write.IsCompleted)
                        {
                            await write.ConfigureAwait(false);
                        }
                        else
                        {
                            // The sink makes the replay wait (a consumer group's lag bound): simulated time waits too, so
                            // that no officer builds up a backlog it would then emit out of step with the others.
                            using (clock.Hold())
                            {
                                await write.ConfigureAwait(false);
                            }
                        }
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

    /// <summary>Stages 2 to 5 over the loaded records, in input order, counting every outcome; passes on the reports of this shard's officers.</summary>
    private IEnumerable<CrimeReport> Schedule(IEnumerable<CrimeRecord> records, DescriptionPrefilter descriptionRule, Random delays, OfficerDeck deck, StreamingProgress progress, ReportTimeBounds bounds)
    {
        // Two days cover any UTC offset; beyond that the delay must fit before the end of the calendar.
        var earliest = DateTime.MinValue.AddDays(2);
        var latest = DateTime.MaxValue.AddDays(-2) - Options.MaxReportDelay;
        var shard = Options.Shard;
        var officers = Options.Officers;
        foreach (var record in records)
        {
            // The source's prefilter, applied here too for sources that do not apply it (it counts what it drops).
            if (!descriptionRule.Keep(record.CrimeDescription))
            {
                continue;
            }

            if (!IsOfInterest(record))
            {
                progress.OnNotOfInterest();
                continue;
            }

            var occurred = record.Occurred;
            if (occurred < earliest || occurred > latest)
            {
                progress.Input.OnRowSkipped(new RowError(
                    Source.Name, 0, nameof(CrimeRecord.DateOccurred), occurred.ToString("yyyy-MM-dd HH:mm", System.Globalization.CultureInfo.InvariantCulture), "date out of range",
                    $"record {record.DrNumber} occurred too close to the ends of the calendar to apply a time zone and a report delay ({earliest:yyyy-MM-dd} to {latest:yyyy-MM-dd})."));
                continue;
            }

            var reportTime = SimulateReportTime(record, delays);
            if (IsBeforeStart(reportTime))
            {
                progress.OnBeforeStart();
                continue;
            }

            if (IsAfterEnd(reportTime))
            {
                progress.OnAfterEnd();
                continue;
            }

            bounds.Add(reportTime);
            var officer = AssignOfficer(record, reportTime, deck);
            if (officer < 1 || officer > officers)
            {
                throw new InvalidOperationException($"{GetType().Name}.AssignOfficer gave officer {officer} to record {record.DrNumber}; officers are numbered 1 to {officers}.");
            }

            progress.OnScheduled();
            if (!shard.Owns(officer))
            {
                // After the deal, so every shard makes the same random draws and agrees on who reports what.
                progress.OnInOtherShard();
                continue;
            }

            yield return new CrimeReport(record, reportTime, officer);
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

    /// <summary>The earliest and latest report times, and how many reports fall on each UTC day (to find the bulk of the data).</summary>
    private sealed class ReportTimeBounds
    {
        private const double BulkFraction = 0.99;
        private static readonly TimeSpan MinOutlierGap = TimeSpan.FromDays(30);
        private readonly Dictionary<int, long> _perDay = [];
        private int _lastDay = int.MinValue;
        private long _lastDayCount;
        private long _count;

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

            // Reports come roughly grouped by day: count runs of one day before touching the dictionary.
            var day = (int)(time.UtcTicks / TimeSpan.TicksPerDay);
            if (day != _lastDay)
            {
                Flush();
                _lastDay = day;
            }

            _lastDayCount++;
            _count++;
        }

        /// <summary>
        /// Warnings for a replay stretched by outliers: the latest report far after the day by which 99 % of the reports
        /// are in (or the earliest far before the day from which 99 % are), "far" meaning more than 30 days and more than
        /// a quarter of the span of that bulk.
        /// </summary>
        public IEnumerable<string> SpanWarnings()
        {
            Flush();
            if (_count < 2 || First is not { } first || Last is not { } last)
            {
                yield break;
            }

            var days = _perDay.Keys.Order().ToArray();
            var low = DayAtRank(days, (long)Math.Ceiling(_count * (1 - BulkFraction)));
            var high = DayAtRank(days, (long)Math.Ceiling(_count * BulkFraction));
            var bulkStart = new DateTimeOffset(low * TimeSpan.TicksPerDay, TimeSpan.Zero);
            var bulkEnd = new DateTimeOffset((high + 1) * TimeSpan.TicksPerDay, TimeSpan.Zero);
            var allowed = MinOutlierGap > (bulkEnd - bulkStart) / 4 ? MinOutlierGap : (bulkEnd - bulkStart) / 4;
            var c = System.Globalization.CultureInfo.InvariantCulture;
            if (last - bulkEnd > allowed)
            {
                var after = _perDay.Where(p => p.Key > high).Sum(p => p.Value);
                yield return string.Create(c, $"The latest report ({last:yyyy-MM-dd HH:mm zzz}) lies {(last - bulkEnd).TotalDays:N0} days after 99% of the reports (by {bulkEnd:yyyy-MM-dd} UTC): {after:N0} report(s) stretch the replay, probably a typo'd year. Set SimulationEnd (e.g. {bulkEnd:yyyy-MM-dd}) to drop them.");
            }

            if (bulkStart - first > allowed)
            {
                var before = _perDay.Where(p => p.Key < low).Sum(p => p.Value);
                yield return string.Create(c, $"The earliest report ({first:yyyy-MM-dd HH:mm zzz}) lies {(bulkStart - first).TotalDays:N0} days before 99% of the reports (from {bulkStart:yyyy-MM-dd} UTC): {before:N0} report(s) stretch the replay, probably a typo'd year. Set SimulationStart (e.g. {bulkStart:yyyy-MM-dd}) to drop them.");
            }
        }

        private long DayAtRank(int[] days, long rank)
        {
            rank = Math.Clamp(rank, 1, _count);
            var seen = 0L;
            foreach (var day in days)
            {
                seen += _perDay[day];
                if (seen >= rank)
                {
                    return day;
                }
            }

            return days[^1];
        }

        private void Flush()
        {
            if (_lastDayCount > 0)
            {
                _perDay[_lastDay] = _perDay.GetValueOrDefault(_lastDay) + _lastDayCount;
                _lastDayCount = 0;
            }
        }
    }
}
