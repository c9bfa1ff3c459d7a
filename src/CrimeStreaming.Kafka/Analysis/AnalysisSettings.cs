using System.Globalization;

namespace CrimeStreaming.Kafka.Analysis;

/// <summary>
/// The settings every member of an analysis group must share, because the results depend on them: the first member
/// publishes them on the state topic, and every later member either has the same or adopts them
/// (<see cref="KafkaWindowAnalyserOptions.AdoptGroupSettings"/>), or stops with an error naming the difference.
/// </summary>
/// <param name="AllowedDisorder">See <see cref="KafkaWindowAnalyserOptions.AllowedDisorder"/>.</param>
/// <param name="WindowHours">See <see cref="KafkaWindowAnalyserOptions.WindowHours"/>.</param>
/// <param name="PaneLength">The length of the panes windows are made of (one hour).</param>
/// <param name="IdleTimeout">See <see cref="KafkaWindowAnalyserOptions.IdleTimeout"/>.</param>
/// <param name="Top">See <see cref="KafkaWindowAnalyserOptions.Top"/>.</param>
/// <param name="ResultsTopic">See <see cref="KafkaWindowAnalyserOptions.ResultsTopic"/>.</param>
/// <param name="Partitions">The input topic's partition count.</param>
/// <param name="Analyses">Each analysis the group runs, by name and windows (<c>WindowedAnalysis.ToString()</c>), the crime snapshot first.</param>
/// <remarks><see cref="KafkaWindowAnalyserOptions.IsNear"/> and the aggregates are code and cannot be compared: give every
/// member the same. Analyses cannot be adopted: a member that runs other analyses than the group's always stops.</remarks>
public sealed record AnalysisSettings(
    TimeSpan AllowedDisorder,
    IReadOnlyList<int> WindowHours,
    TimeSpan PaneLength,
    TimeSpan IdleTimeout,
    int Top,
    string ResultsTopic,
    int Partitions,
    IReadOnlyList<string> Analyses)
{
    /// <summary>The settings <paramref name="options"/> ask for on an input topic of <paramref name="partitions"/> partitions.</summary>
    public static AnalysisSettings Of(KafkaWindowAnalyserOptions options, int partitions)
    {
        ArgumentNullException.ThrowIfNull(options);
        return new(options.AllowedDisorder, options.WindowHours.Distinct().Order().ToArray(), options.PaneLength, options.IdleTimeout, options.Top, options.ResultsTopic, partitions, options.AllAnalyses().Select(a => a.ToString()).ToArray());
    }

    /// <summary>
    /// Each setting in which <paramref name="group"/> (the group's) differs from these (this member's), as
    /// "name: the group's X, this member's Y"; empty when they agree.
    /// </summary>
    public IReadOnlyList<string> DifferencesFrom(AnalysisSettings group)
    {
        ArgumentNullException.ThrowIfNull(group);
        var differences = new List<string>();
        void Compare(string name, string mine, string theirs)
        {
            if (mine != theirs)
            {
                differences.Add($"{name}: the group's {theirs}, this member's {mine}");
            }
        }

        Compare(nameof(AllowedDisorder), Seconds(AllowedDisorder), Seconds(group.AllowedDisorder));
        Compare(nameof(WindowHours), string.Join(",", WindowHours.Distinct().Order()) + " h", string.Join(",", group.WindowHours.Distinct().Order()) + " h");
        Compare(nameof(PaneLength), Seconds(PaneLength), Seconds(group.PaneLength));
        Compare(nameof(IdleTimeout), Seconds(IdleTimeout), Seconds(group.IdleTimeout));
        Compare(nameof(Top), Top.ToString(CultureInfo.InvariantCulture), group.Top.ToString(CultureInfo.InvariantCulture));
        Compare(nameof(ResultsTopic), ResultsTopic, group.ResultsTopic);
        Compare(nameof(Partitions), Partitions.ToString(CultureInfo.InvariantCulture), group.Partitions.ToString(CultureInfo.InvariantCulture));
        Compare(nameof(Analyses), string.Join("; ", Analyses), string.Join("; ", group.Analyses));
        return differences;
    }

    /// <summary>Whether every setting is the same (window lengths compared as sets).</summary>
    public bool Equals(AnalysisSettings? other) => other is not null && DifferencesFrom(other).Count == 0;

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(AllowedDisorder, PaneLength, IdleTimeout, Top, ResultsTopic, Partitions);

    /// <summary>Copies these settings onto <paramref name="options"/> (the partition count is the topic's own; analyses are code, never copied).</summary>
    public void ApplyTo(KafkaWindowAnalyserOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.AllowedDisorder = AllowedDisorder;
        options.PaneLength = PaneLength;
        options.WindowHours = WindowHours.ToArray();
        options.IdleTimeout = IdleTimeout;
        options.Top = Top;
        options.ResultsTopic = ResultsTopic;
    }

    /// <inheritdoc/>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"disorder {Seconds(AllowedDisorder)}, windows {string.Join(",", WindowHours)} h, pane {Seconds(PaneLength)}, idle timeout {Seconds(IdleTimeout)}, top {Top}, results on {ResultsTopic}, {Partitions} partitions, analyses {string.Join("; ", Analyses)}");

    private static string Seconds(TimeSpan time) => string.Create(CultureInfo.InvariantCulture, $"{time.TotalSeconds:#,0.###} s");
}
