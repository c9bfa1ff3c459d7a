using CrimeStreaming.Aggregation;
using CrimeStreaming.ScaleOut;

namespace CrimeStreaming.CustomAnalysis;

/// <summary>The sample's two analyses: written once, run on a DStream, in event time, or across an analysis group.</summary>
public static class CustomAnalyses
{
    /// <summary>The panes both analyses are made of: half an hour, so that windows can slide by 30 minutes.</summary>
    public static readonly TimeSpan Pane = TimeSpan.FromMinutes(30);

    /// <summary>Robberies per premise (street, parking lot, …): a keyed count that leaves every other crime out.</summary>
    public static IWindowAggregate<CrimeReport, Dictionary<string, long>, IReadOnlyList<KeyValuePair<string, long>>> RobberiesByPremise { get; } =
        WindowAggregate.ByKey(
            (CrimeReport r) => r.Record.CrimeDescription?.Contains("ROBBERY", StringComparison.Ordinal) == true ? r.Record.PremiseDescription ?? "(unknown premise)" : null,
            WindowAggregate.Count<CrimeReport>());

    /// <summary>The victims' age bands per area: the user's own aggregate, run per key.</summary>
    public static IWindowAggregate<CrimeReport, Dictionary<string, long[]>, IReadOnlyList<KeyValuePair<string, IReadOnlyDictionary<string, long>>>> VictimAgesByArea { get; } =
        WindowAggregate.ByKey((CrimeReport r) => r.Record.AreaName, new VictimAgeHistogram());

    /// <summary>Robberies per premise over the last 3 hours, every 30 minutes.</summary>
    public static WindowDefinition RobberyWindow { get; } = new(TimeSpan.FromHours(3), TimeSpan.FromMinutes(30));

    /// <summary>Victim ages per area over 6-hour tumbling windows.</summary>
    public static WindowDefinition AgeWindow { get; } = new(TimeSpan.FromHours(6), TimeSpan.FromHours(6));

    /// <summary>Both analyses, named, for an analysis group (<c>KafkaWindowAnalyserOptions.Analyses</c>).</summary>
    public static IReadOnlyList<WindowedAnalysis> ForGroup() =>
    [
        WindowedAnalysis.Create("robberies-by-premise", RobberiesByPremise, RobberyWindow),
        WindowedAnalysis.Create("victim-ages-by-area", VictimAgesByArea, AgeWindow),
    ];
}
