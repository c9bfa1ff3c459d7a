using System.Globalization;
using Confluent.Kafka;
using CrimeStreaming.ScaleOut;
using CrimeStreaming.Windowing;

namespace CrimeStreaming.Kafka.Analysis;

/// <summary>Options of <see cref="KafkaWindowAnalyser"/> and <see cref="KafkaWindowResults"/>. Copied and validated (<see cref="Validate"/>) when they are built.</summary>
public sealed class KafkaWindowAnalyserOptions
{
    /// <summary>The cluster's bootstrap servers. Required.</summary>
    public string BootstrapServers { get; set; } = string.Empty;

    /// <summary>The topic of crime reports. The default value is <c>la-crime</c>.</summary>
    public string Topic { get; set; } = KafkaDefaults.Topic;

    /// <summary>
    /// The topic the instances publish their partials and progress to, and the merger reads. It must have one partition
    /// (its order is what makes a partition's progress follow its partials); it is created if absent where the cluster
    /// allows it. The default value is <c>la-crime-windows</c>.
    /// </summary>
    public string ResultsTopic { get; set; } = "la-crime-windows";

    /// <summary>
    /// The topic the instances keep each input partition's aggregation state in (a changelog: one partition per input
    /// partition, each message a partition's complete state), and the group's settings. It must have as many partitions
    /// as <see cref="Topic"/>; compaction (or any retention) may delete all but each partition's newest messages. The
    /// default value is <see langword="null"/>: <see cref="ResultsTopic"/> followed by <c>-state</c>
    /// (<c>la-crime-windows-state</c>).
    /// </summary>
    public string? StateTopic { get; set; }

    /// <summary>
    /// Whether an instance that finds the group analysing with other settings (<see cref="AnalysisSettings"/>: disorder,
    /// windows, idle timeout, top, results topic) adopts them instead of stopping with a
    /// <see cref="GroupSettingsException"/>. The default value is <see langword="false"/>: a member never silently
    /// analyses with settings it was not given.
    /// </summary>
    public bool AdoptGroupSettings { get; set; }

    /// <summary>The consumer group the instances share the input partitions in. The default value is <c>crimestreaming-analysis</c>.</summary>
    public string GroupId { get; set; } = "crimestreaming-analysis";

    /// <summary>
    /// How far behind a partition's latest report time a report may come and still count. The default value is 1 hour:
    /// each officer (and each replay shard) reports in time order, so within a partition only the replay's own jitter is
    /// disorder.
    /// </summary>
    public TimeSpan AllowedDisorder { get; set; } = TimeSpan.FromHours(1);

    /// <summary>
    /// A partition read to its end that gets no message for this long is idle: it stops holding the global watermark
    /// back until it has reports again. The default value is 10 seconds.
    /// </summary>
    /// <remarks>Idleness is decided by the wall clock, so a partition that was idle and then receives reports for windows
    /// already emitted makes them late partials (counted, dropped): results then depend on timing. Replays end with
    /// end-of-stream markers, which close partitions without it.</remarks>
    public TimeSpan IdleTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// How often an instance publishes progress, waits for its results to be delivered and commits the input offsets it
    /// no longer needs. The default value is 200 milliseconds.
    /// </summary>
    public TimeSpan CommitInterval { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>
    /// How long no broker may answer before an instance or a results reader gives up with an error (librdkafka itself
    /// reconnects for ever). The default value is 30 seconds.
    /// </summary>
    public TimeSpan UnreachableTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Group session timeout: how long a dead instance keeps its partitions. The default value is 6 seconds.</summary>
    public TimeSpan SessionTimeout { get; set; } = TimeSpan.FromSeconds(6);

    /// <summary>
    /// The length of the panes every analysis of the group aggregates into: windows are whole numbers of panes. The
    /// default value is 1 hour.
    /// </summary>
    /// <remarks>A report is late once its pane has closed in its partition (the watermark passed the pane's end), so a
    /// shorter pane closes sooner; each closed pane is one partial per analysis on the results topic.</remarks>
    public TimeSpan PaneLength { get; set; } = ScaleOut.Panes.Length;

    /// <summary>
    /// The analyses the group runs besides the crime snapshot (which always runs, over <see cref="WindowHours"/>, named
    /// <see cref="WindowedAnalysis.CrimeSnapshotName"/>): each a <see cref="WindowedAnalysis"/> of any aggregate, under a
    /// name unique in the group. Every member must be given the same. The default value is none.
    /// </summary>
    public IList<WindowedAnalysis> Analyses { get; set; } = [];

    /// <summary>Crime snapshot window lengths in hours, each sliding by one hour. The default value is 1, 6 and 12.</summary>
    public IReadOnlyList<int> WindowHours { get; set; } = [1, 6, 12];

    /// <summary>How many crime types and areas each window lists. The default value is 5.</summary>
    public int Top { get; set; } = 5;

    /// <summary>Whether a report counts as near the place of interest. The default value is <see cref="CrimeAnalyses.NearUscAsOriginal"/>.</summary>
    public Func<CrimeRecord, bool> IsNear { get; set; } = CrimeAnalyses.NearUscAsOriginal;

    /// <summary>
    /// Stop an instance once the global results are complete (every partition ended). The default value is
    /// <see langword="true"/>; with <see langword="false"/> it runs until cancelled.
    /// </summary>
    public bool StopWhenComplete { get; set; } = true;

    /// <summary>How long an instance that was given partitions waits to read their state up to date before it starts them. The default value is 60 seconds.</summary>
    public TimeSpan RestoreTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// Reads a report from a message value of <see cref="Topic"/>. The default value is
    /// <see cref="CrimeReportJsonSerializer.Instance"/> (<see cref="CrimeReportJson"/>), matching
    /// <see cref="KafkaCrimeSinkOptions.Serializer"/>'s default.
    /// </summary>
    /// <remarks>Called on the instance's consumer thread, with the topic and the message's headers in its context. A
    /// message it throws on (or returns <see langword="null"/> for) is not a report: skipped and counted in
    /// <see cref="KafkaAnalysisSummary.Invalid"/>.</remarks>
    public IDeserializer<CrimeReport> Deserializer { get; set; } = CrimeReportJsonSerializer.Instance;

    /// <summary>
    /// Last word on every client's configuration (consumer, producer and admin client alike): security settings, for
    /// instance. The default value is <see langword="null"/>.
    /// </summary>
    public Action<ClientConfig>? Configure { get; set; }

    /// <summary>Checks every option.</summary>
    /// <exception cref="InvalidOptionsException">One or more options are invalid; all of them are listed, each with its name.</exception>
    public void Validate()
    {
        var errors = new OptionErrors(nameof(KafkaWindowAnalyserOptions));
        errors.Required(nameof(BootstrapServers), BootstrapServers);
        errors.Required(nameof(Topic), Topic);
        errors.Required(nameof(ResultsTopic), ResultsTopic);
        if (!string.IsNullOrWhiteSpace(ResultsTopic) && ResultsTopic == Topic)
        {
            errors.Add(nameof(ResultsTopic), $"must differ from Topic, not \"{ResultsTopic}\" (the same).");
        }

        if (StateTopic is not null && (string.IsNullOrWhiteSpace(StateTopic) || StateTopic == Topic || StateTopic == ResultsTopic))
        {
            errors.Add(nameof(StateTopic), $"must be a topic name other than Topic and ResultsTopic, or null for the default, not \"{StateTopic}\".");
        }

        errors.Required(nameof(GroupId), GroupId);
        if (AllowedDisorder < TimeSpan.Zero || AllowedDisorder > MaxLength)
        {
            errors.Add(nameof(AllowedDisorder), string.Create(CultureInfo.InvariantCulture, $"must be from 0 to {MaxLength.TotalDays:N0} days, not {AllowedDisorder}."));
        }

        errors.Positive(nameof(IdleTimeout), IdleTimeout, TimeSpan.FromMinutes(60));
        errors.Positive(nameof(CommitInterval), CommitInterval, TimeSpan.FromMinutes(1));
        errors.Positive(nameof(UnreachableTimeout), UnreachableTimeout, TimeSpan.FromHours(1));
        errors.Positive(nameof(SessionTimeout), SessionTimeout, TimeSpan.FromMinutes(5));
        var maxHours = (int)MaxLength.TotalHours;
        if (WindowHours is null)
        {
            errors.Add(nameof(WindowHours), "is required, not null.");
        }
        else if (WindowHours.Count == 0)
        {
            errors.Add(nameof(WindowHours), "must hold at least one window length, not none.");
        }
        else if (WindowHours.Any(h => h < 1 || h > maxHours))
        {
            errors.Add(nameof(WindowHours), string.Create(CultureInfo.InvariantCulture, $"must hold lengths from 1 to {maxHours:N0} hours (a year), not {string.Join(", ", WindowHours.Where(h => h < 1 || h > maxHours))}."));
        }

        if (Top < 1)
        {
            errors.Add(nameof(Top), $"must be at least 1, not {Top}.");
        }

        if (IsNear is null)
        {
            errors.Add(nameof(IsNear), "is required, not null.");
        }

        errors.Positive(nameof(PaneLength), PaneLength, TimeSpan.FromDays(1));
        if (Analyses is null)
        {
            errors.Add(nameof(Analyses), "is required (empty for the crime snapshot alone), not null.");
        }
        else if (PaneLength > TimeSpan.Zero && PaneLength <= TimeSpan.FromDays(1) && WindowHours is { Count: > 0 } && Top >= 1 && IsNear is not null && !WindowHours.Any(h => h < 1 || h > maxHours))
        {
            // Every analysis checked against the pane, the aggregates' serialization round-tripped: before any work starts.
            var all = AllAnalyses();
            foreach (var problem in all.SelectMany(a => a.Errors(PaneLength)))
            {
                errors.Add(nameof(Analyses), problem + ".");
            }

            foreach (var name in all.GroupBy(a => a.Name, StringComparer.Ordinal).Where(g => g.Count() > 1).Select(g => g.Key))
            {
                errors.Add(nameof(Analyses), $"two analyses are named \"{name}\"{(name == WindowedAnalysis.CrimeSnapshotName ? " (the crime snapshot's name, which every group runs)" : "")}: names must be unique.");
            }
        }

        errors.Positive(nameof(RestoreTimeout), RestoreTimeout, TimeSpan.FromHours(1));
        if (Deserializer is null)
        {
            errors.Add(nameof(Deserializer), "is required, not null.");
        }

        errors.ThrowIfAny();
    }

    /// <summary>
    /// A copy of these options; the lists <see cref="WindowHours"/> and <see cref="Analyses"/> are copied too, the
    /// analyses themselves, <see cref="IsNear"/>, <see cref="Deserializer"/> and <see cref="Configure"/> are shared.
    /// </summary>
    public KafkaWindowAnalyserOptions Clone()
    {
        var copy = (KafkaWindowAnalyserOptions)MemberwiseClone();
        copy.WindowHours = WindowHours?.ToArray()!;
        copy.Analyses = Analyses?.ToList()!;
        return copy;
    }

    /// <summary>The longest <see cref="AllowedDisorder"/> and window length: 366 days.</summary>
    private static TimeSpan MaxLength => TimeSpan.FromDays(366);

    /// <summary>The state topic's name: <see cref="StateTopic"/>, or <see cref="ResultsTopic"/> followed by <c>-state</c>.</summary>
    internal string StateTopicName => StateTopic ?? ResultsTopic + "-state";

    /// <summary>The crime snapshot (over <see cref="WindowHours"/>, with <see cref="IsNear"/> and <see cref="Top"/>), then <see cref="Analyses"/>.</summary>
    internal IReadOnlyList<WindowedAnalysis> AllAnalyses() => [WindowedAnalysis.CrimeSnapshot(WindowHours, IsNear, Top), .. Analyses];

    internal T Apply<T>(T config)
        where T : ClientConfig
    {
        config.BootstrapServers = BootstrapServers;
        Configure?.Invoke(config);
        return config;
    }
}
