namespace CrimeStreaming;

/// <summary>Options of a <see cref="CrimeStreamer"/> run. Validated by <see cref="Validate"/> when the streamer is built.</summary>
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
    /// <remarks>Delays are whole minutes drawn uniformly from [<see cref="MinReportDelay"/>, <see cref="MaxReportDelay"/>).</remarks>
    public TimeSpan MaxReportDelay { get; set; } = TimeSpan.FromMinutes(90);

    /// <summary>Number of police officers (partitions) replaying the reports concurrently. The default value is 4.</summary>
    public int Officers { get; set; } = 4;

    /// <summary>
    /// The simulated time at which the replay starts; reports not after it are dropped (counted as "before start").
    /// The default value is <see langword="null"/>: the first midnight on or before the earliest occurrence, so nothing is dropped.
    /// </summary>
    public DateTimeOffset? SimulationStart { get; set; }

    /// <summary>Simulated seconds per real second on the accelerated clock. The default value is 3600 (one real second is one simulated hour).</summary>
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
    /// The time zone of the wall-clock times in the data. The default value is Los Angeles (Pacific time), falling back to
    /// UTC only where the system has no time-zone data.
    /// </summary>
    public TimeZoneInfo TimeZone { get; set; } = TimeZones.LosAngeles;

    /// <summary>Checks every option and throws an <see cref="ArgumentException"/> naming the first invalid one.</summary>
    public void Validate()
    {
        if (CrimesOfInterest is null)
        {
            throw new ArgumentException("CrimesOfInterest must not be null (use an empty list to keep every crime).", nameof(CrimesOfInterest));
        }

        foreach (var word in CrimesOfInterest)
        {
            if (string.IsNullOrWhiteSpace(word))
            {
                throw new ArgumentException("CrimesOfInterest must not contain empty words.", nameof(CrimesOfInterest));
            }
        }

        if (MinReportDelay < TimeSpan.Zero || MinReportDelay.Ticks % TimeSpan.TicksPerMinute != 0)
        {
            throw new ArgumentException($"MinReportDelay must be a non-negative whole number of minutes, not {MinReportDelay}.", nameof(MinReportDelay));
        }

        if (MaxReportDelay <= MinReportDelay || MaxReportDelay.Ticks % TimeSpan.TicksPerMinute != 0)
        {
            throw new ArgumentException($"MaxReportDelay must be a whole number of minutes greater than MinReportDelay ({MinReportDelay}), not {MaxReportDelay}.", nameof(MaxReportDelay));
        }

        if (Officers < 1)
        {
            throw new ArgumentException($"Officers must be at least 1, not {Officers}.", nameof(Officers));
        }

        if (!(Acceleration > 0) || double.IsInfinity(Acceleration))
        {
            throw new ArgumentException($"Acceleration must be a positive, finite number, not {Acceleration}.", nameof(Acceleration));
        }

        if (TimeZone is null)
        {
            throw new ArgumentException("TimeZone must not be null.", nameof(TimeZone));
        }
    }

    /// <summary>A copy of these options.</summary>
    public CrimeStreamerOptions Clone() => (CrimeStreamerOptions)MemberwiseClone();
}
