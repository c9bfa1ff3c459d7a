using CrimeStreaming.Aggregation;

namespace CrimeStreaming.CustomAnalysis;

/// <summary>
/// A user's own aggregate: victims by age band. The accumulator is a plain array of counts, so the base class's
/// System.Text.Json serialization carries it between instances and into the state changelog as it is.
/// </summary>
public sealed class VictimAgeHistogram : WindowAggregate<CrimeReport, long[], IReadOnlyDictionary<string, long>>
{
    /// <summary>The age bands, in order; LAPD records 0 (or nothing) when the age is unknown or the victim is not a person.</summary>
    public static readonly string[] Bands = ["unknown", "0-17", "18-29", "30-44", "45-64", "65+"];

    /// <inheritdoc/>
    public override long[] CreateAccumulator() => new long[Bands.Length];

    /// <inheritdoc/>
    public override long[] Add(long[] accumulator, CrimeReport item)
    {
        accumulator[Band(item.Record.VictimAge)]++;
        return accumulator;
    }

    /// <inheritdoc/>
    public override long[] Merge(long[] accumulator, long[] other)
    {
        for (var i = 0; i < accumulator.Length; i++)
        {
            accumulator[i] += other[i];
        }

        return accumulator;
    }

    /// <summary>The non-empty bands with their counts, in band order.</summary>
    public override IReadOnlyDictionary<string, long> GetResult(long[] accumulator) =>
        Enumerable.Range(0, Bands.Length).Where(i => accumulator[i] > 0).ToDictionary(i => Bands[i], i => accumulator[i]);

    private static int Band(int? age) => age switch
    {
        null or <= 0 => 0,
        < 18 => 1,
        < 30 => 2,
        < 45 => 3,
        < 65 => 4,
        _ => 5,
    };
}
