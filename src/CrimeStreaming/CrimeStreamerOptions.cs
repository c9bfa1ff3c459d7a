namespace CrimeStreaming;

/// <summary>Options of a <see cref="CrimeStreamer"/> run. Validated by <see cref="Validate()"/> when the streamer is built.</summary>
public sealed class CrimeStreamerOptions
{
    /// <summary>The crimes of interest the original study replayed.</summary>
    public static IReadOnlyList<string> DefaultCrimesOfInterest { get; } = ["ASSAULT", "BURGLARY", "ROBBERY"];

    /// <summary>
    /// Words a crime description must contain (any of them, ignoring case) for the crime to be replayed.
    /// An empty list keeps every crime that has a description.
    /// </summary>
    /// <remarks>The default value is <c>ASSAULT</c>, <c>BURGLARY</c>, <c>ROBBERY</c>, so <c>BATTERY - SIMPLE ASSAULT</c>,
    /// <c>BURGLARY FROM VEHICLE</c> and <c>ATTEMPTED ROBBERY</c> all count. Rows without a description are always dropped.</remarks>
    public IReadOnlyList<string> CrimesOfInterest { get; set; } = DefaultCrimesOfInterest;

    /// <summary>Shortest simulated delay between a crime and its report (inclusive). The default value is 30 minutes.</summary>
    public TimeSpan MinReportDelay { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>Longest simulated delay between a crime and its report (exclusive). The default value is 90 minutes.</summary>
    /// <remarks>Delays are whole minutes drawn uniformly from [<see cref="MinReportDelay"/>, <see cref="MaxReportDelay"/>);
    /// at most <see cref="MaxReportDelayLimit"/> (366 days).</remarks>
    public TimeSpan MaxReportDelay { get; set; } = TimeSpan.FromMinutes(90);

    /// <summary>Number of police officers (partitions) replaying the reports concurrently. The default value is 4.</summary>
    public int Officers { get; set; } = 4;

    /// <summary>
    /// The simulated time at which the replay starts; reports not after it are dropped (counted as "before start").
    /// The default value is <see langword="null"/>: midnight (in <see cref="TimeZone"/>) on or before the earliest
    /// report time, so nothing is dropped.
    /// </summary>
    /// <remarks>The default is taken from the earliest <em>report</em> time, not the earliest occurrence: the replay
    /// emits reports, so this is the latest start that drops none, and the clock never idles through a day that holds
    /// no report (an occurrence late in the evening is reported after midnight). Reports after
    /// <see cref="SimulationEnd"/> do not count for it.</remarks>
    public DateTimeOffset? SimulationStart { get; set; }

    /// <summary>
    /// The simulated time after which reports are dropped (counted as "after end"), so that a few reports far beyond the
    /// rest (a typo'd year) cannot stretch the replay. The default value is <see langword="null"/>: no end.
    /// </summary>
    /// <remarks>A report exactly at the end is kept. Preparation warns (<see cref="StreamingSummary.Warnings"/> and the
    /// log) when the latest report lies far beyond the bulk of the data, and suggests a value for this option.</remarks>
    public DateTimeOffset? SimulationEnd { get; set; }

    /// <summary>The smallest <see cref="Acceleration"/> accepted: 1 (real time).</summary>
    public const double MinAcceleration = 1;

    /// <summary>The largest <see cref="Acceleration"/> accepted: 10,000,000 (about 116 simulated days per real second); beyond it use <see cref="AsFastAsPossible"/>.</summary>
    public const double MaxAcceleration = 10_000_000;

    /// <summary>The longest <see cref="MaxReportDelay"/> accepted: 366 days.</summary>
    public static TimeSpan MaxReportDelayLimit { get; } = TimeSpan.FromDays(366);

    /// <summary>
    /// Simulated seconds per real second on the accelerated clock, from <see cref="MinAcceleration"/> (1) to
    /// <see cref="MaxAcceleration"/> (10,000,000). The default value is 3600 (one real second is one simulated hour).
    /// </summary>
    /// <remarks>Slower than real time makes no sense for a replay, and beyond ten million the clock's resolution is coarser
    /// than the data's minutes; use <see cref="AsFastAsPossible"/> to replay without waiting. NaN and infinities are rejected.</remarks>
    public double Acceleration { get; set; } = 3600;

    /// <summary>
    /// Replay as fast as possible on a <see cref="VirtualClock"/> (simulated timestamps kept, deterministic) instead of
    /// the accelerated real-time clock. The default value is <see langword="false"/>.
    /// </summary>
    public bool AsFastAsPossible { get; set; }

    /// <summary>
    /// Seed of the random report delays and officer assignment; the same seed and input give the same reports, officers
    /// and order. The default value is <see langword="null"/>: a random seed, reported in the run summary so the run can be repeated.
    /// </summary>
    public int? Seed { get; set; }

    /// <summary>
    /// The part of the replay this process emits when k processes replay one input together. The default value is
    /// <see cref="ReplayShard.Whole"/>: this process emits every report.
    /// </summary>
    /// <remarks>
    /// <para>Every shard prepares the whole input exactly as a single process would (same load, filter, report times and
    /// officer assignment) and replays only the officers it owns (<see cref="ReplayShard.Owns"/>): officers i, i + k,
    /// i + 2k, …. With the same input, options and <see cref="Seed"/> in every shard, the shards' streams together are
    /// the single-process stream, each report in exactly one shard. Set the seed explicitly: a random seed differs per
    /// process and the shards would not add up.</para>
    /// <para><see cref="ReplayShard.Count"/> must be at most <see cref="Officers"/>: a shard without an officer would
    /// emit nothing. Give the shards a shared <see cref="Epoch"/> so that they replay on the same timeline.</para>
    /// </remarks>
    public ReplayShard Shard { get; set; } = ReplayShard.Whole;

    /// <summary>The furthest in the future an <see cref="Epoch"/> may lie: one day.</summary>
    public static TimeSpan MaxEpochLead { get; } = TimeSpan.FromDays(1);

    /// <summary>
    /// The real instant at which the accelerated clock reads the simulation start, shared by processes that replay one
    /// input together (<see cref="Shard"/>). The default value is <see langword="null"/>: the moment the replay starts.
    /// </summary>
    /// <remarks>
    /// <para>An epoch in the past starts the replay part-way: reports already due are emitted at once, as on a clock that
    /// was started late. An epoch in the future makes the replay wait for it. Pick one a little after the slowest
    /// process will have prepared, so that no shard starts part-way.</para>
    /// <para>At most <see cref="MaxEpochLead"/> (one day) after the streamer's current time when it is created, so that a
    /// mistaken date cannot stall a replay for days. Ignored by <see cref="AsFastAsPossible"/>, whose virtual clock
    /// does not follow real time.</para>
    /// </remarks>
    public DateTimeOffset? Epoch { get; set; }

    /// <summary>
    /// The time zone of the wall-clock times in the data. The default value is Los Angeles (Pacific time), falling back to
    /// UTC only where the system has no time-zone data.
    /// </summary>
    public TimeZoneInfo TimeZone { get; set; } = TimeZones.LosAngeles;

    /// <summary>Checks every option; <see cref="Epoch"/> against the system's current time.</summary>
    /// <exception cref="InvalidOptionsException">One or more options are invalid; all of them are listed, each with its name.</exception>
    public void Validate() => Validate(TimeProvider.System.GetUtcNow());

    /// <summary>Checks every option; <see cref="Epoch"/> against <paramref name="now"/> (the streamer's time provider).</summary>
    internal void Validate(DateTimeOffset now)
    {
        var errors = new InvalidOptionsException.Builder(nameof(CrimeStreamerOptions));
        if (CrimesOfInterest is null)
        {
            errors.Add(nameof(CrimesOfInterest), "must not be null (use an empty list to keep every crime).");
        }
        else if (CrimesOfInterest.Any(string.IsNullOrWhiteSpace))
        {
            errors.Add(nameof(CrimesOfInterest), "must not contain empty words.");
        }

        if (MinReportDelay < TimeSpan.Zero || MinReportDelay.Ticks % TimeSpan.TicksPerMinute != 0)
        {
            errors.Add(nameof(MinReportDelay), $"must be a non-negative whole number of minutes, not {MinReportDelay}.");
        }

        if (MaxReportDelay <= MinReportDelay || MaxReportDelay.Ticks % TimeSpan.TicksPerMinute != 0)
        {
            errors.Add(nameof(MaxReportDelay), $"must be a whole number of minutes greater than MinReportDelay ({MinReportDelay}), not {MaxReportDelay}.");
        }
        else if (MaxReportDelay > MaxReportDelayLimit)
        {
            errors.Add(nameof(MaxReportDelay), $"must be at most {MaxReportDelayLimit.TotalDays:N0} days, not {MaxReportDelay}.");
        }

        if (Officers < 1)
        {
            errors.Add(nameof(Officers), $"must be at least 1, not {Officers}.");
        }

        if (!(Acceleration >= MinAcceleration && Acceleration <= MaxAcceleration))
        {
            errors.Add(nameof(Acceleration), string.Create(System.Globalization.CultureInfo.InvariantCulture, $"must be a number from {MinAcceleration:N0} to {MaxAcceleration:N0} (use AsFastAsPossible to replay without waiting), not {Acceleration}."));
        }

        if (TimeZone is null)
        {
            errors.Add(nameof(TimeZone), "must not be null.");
        }

        if (SimulationStart is { } start && SimulationEnd is { } end && end <= start)
        {
            errors.Add(nameof(SimulationEnd), $"must be after SimulationStart ({start:o}), not {end:o}.");
        }

        if (Shard.Count < 1 || Shard.Index < 1 || Shard.Index > Shard.Count)
        {
            errors.Add(nameof(Shard), $"must be i/k with 1 <= i <= k, not {Shard.Index}/{Shard.Count}.");
        }
        else if (Officers >= 1 && Shard.Count > Officers)
        {
            errors.Add(nameof(Shard), $"must not split the replay into more shards than there are officers ({Officers}): shard {Shard.Index}/{Shard.Count} would replay no officer.");
        }

        if (Epoch is { } epoch && epoch - now > MaxEpochLead)
        {
            errors.Add(nameof(Epoch), $"must be at most {MaxEpochLead.TotalHours:N0} hours in the future, not {epoch:o} (now {now:o}).");
        }

        errors.ThrowIfAny();
    }

    /// <summary>A copy of these options.</summary>
    public CrimeStreamerOptions Clone() => (CrimeStreamerOptions)MemberwiseClone();
}
