namespace CrimeStreaming.Windowing;

/// <summary>The original study's four figures over one batch or window.</summary>
/// <param name="Start">Inclusive start of the batch or window.</param>
/// <param name="End">Exclusive end.</param>
/// <param name="Total">Number of crimes reported.</param>
/// <param name="Near">Number of those near the place of interest (USC by default).</param>
/// <param name="TopCrimeTypes">Most frequent crime descriptions, most frequent first (ties by name).</param>
/// <param name="TopAreas">Most frequent areas, most frequent first (ties by name).</param>
public sealed record CrimeSnapshot(
    DateTimeOffset Start,
    DateTimeOffset End,
    long Total,
    long Near,
    IReadOnlyList<KeyCount<string>> TopCrimeTypes,
    IReadOnlyList<KeyCount<string>> TopAreas);
