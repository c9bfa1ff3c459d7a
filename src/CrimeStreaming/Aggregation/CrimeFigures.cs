using CrimeStreaming.Windowing;

namespace CrimeStreaming.Aggregation;

/// <summary>The original study's four figures over some reports: the result of <see cref="CrimeSnapshotAggregate"/>.</summary>
/// <param name="Total">Number of crimes reported.</param>
/// <param name="Near">Number of those near the place of interest (USC by default).</param>
/// <param name="TopCrimeTypes">Most frequent crime descriptions, most frequent first (ties by name).</param>
/// <param name="TopAreas">Most frequent areas, most frequent first (ties by name).</param>
public sealed record CrimeFigures(long Total, long Near, IReadOnlyList<KeyCount<string>> TopCrimeTypes, IReadOnlyList<KeyCount<string>> TopAreas)
{
    /// <summary>These figures over the window [<paramref name="start"/>, <paramref name="end"/>).</summary>
    public CrimeSnapshot ToSnapshot(DateTimeOffset start, DateTimeOffset end) => new(start, end, Total, Near, TopCrimeTypes, TopAreas);
}
