using System.Globalization;

namespace CrimeStreaming.Benchmarks;

/// <summary>One contestant of <see cref="PairedRuns"/>: a name and a run that returns a rate (higher is better).</summary>
/// <param name="Name">What the side is, e.g. <c>raw Produce loop</c>.</param>
/// <param name="Run">Runs once and returns the measured rate; gets the run number (0 = warm-up) to name fresh topics, files…</param>
public sealed record PairedSide(string Name, Func<int, Task<double>> Run);

/// <summary>
/// Paired, alternating runs: a warm-up round, then rounds of peer, ours, peer, ours… (every side once per round, in the
/// order given), so that a ratio is taken between runs made side by side, under the same load, and drift of a shared
/// machine falls on both sides alike. Figures are the median over the rounds with the min–max.
/// </summary>
public static class PairedRuns
{
    /// <summary>How many measured rounds: <paramref name="full"/> in a full run, <paramref name="quick"/> in a quick one.</summary>
    public static int Rounds(FigureContext context, int full = 5, int quick = 1) => context.Quick ? quick : full;

    /// <summary>Runs a warm-up round (not counted), then <paramref name="rounds"/> rounds of every side in turn.</summary>
    /// <param name="rounds">Measured rounds (at least 1).</param>
    /// <param name="sides">The sides in the order each round runs them, the peer first.</param>
    public static async Task<PairedSeries> RunAsync(int rounds, params PairedSide[] sides)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(rounds, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(sides.Length, 2);
        var rates = sides.Select(_ => new double[rounds]).ToArray();
        var run = 0;
        for (var round = -1; round < rounds; round++)
        {
            for (var s = 0; s < sides.Length; s++)
            {
                var rate = await sides[s].Run(run++).ConfigureAwait(false);
                if (round >= 0)
                {
                    rates[s][round] = rate;
                }

                // Each run's garbage is collected before the next run starts, not during it.
                GC.Collect();
                GC.WaitForPendingFinalizers();
            }
        }

        return new PairedSeries(sides, rates);
    }
}

/// <summary>The rates of <see cref="PairedRuns.RunAsync"/>: <c>Rates[side][round]</c>.</summary>
public sealed class PairedSeries
{
    internal PairedSeries(PairedSide[] sides, double[][] rates)
    {
        Sides = sides;
        Rates = rates;
    }

    /// <summary>The sides, in run order.</summary>
    public IReadOnlyList<PairedSide> Sides { get; }

    /// <summary>Rates per side and round.</summary>
    public double[][] Rates { get; }

    /// <summary>The number of measured rounds.</summary>
    public int Rounds => Rates[0].Length;

    /// <summary>Median, min and max rate of one side.</summary>
    public Spread Rate(int side) => Spread.Of(Rates[side]);

    /// <summary>Median, min and max of the per-round ratio <c>ours / peer</c> (each ratio from runs of one round).</summary>
    public Spread Ratio(int ours, int peer) => Spread.Of(Rates[ours].Zip(Rates[peer], (o, p) => o / p).ToArray());

    /// <summary>Reports the median rate of a side, with its min–max.</summary>
    public void ReportRate(FigureContext context, string suite, int side, string figure, string unit, string note = "") =>
        context.Report(suite, figure, Rate(side).Median, unit, Join(Rate(side).Describe(Rounds, "runs"), note));

    /// <summary>Reports the median paired ratio <c>ours / peer</c>, with its min–max.</summary>
    public void ReportRatio(FigureContext context, string suite, int ours, int peer, string figure, string note = "") =>
        context.Report(suite, figure, Ratio(ours, peer).Median, "ratio", Join(Ratio(ours, peer).Describe(Rounds, "pairs"), note));

    private static string Join(string a, string b) => b.Length == 0 ? a : a + "; " + b;
}

/// <summary>Median, min and max of a few measurements.</summary>
public readonly record struct Spread(double Median, double Min, double Max)
{
    /// <summary>The spread of <paramref name="values"/>.</summary>
    public static Spread Of(double[] values)
    {
        var sorted = values.Order().ToArray();
        var mid = sorted.Length / 2;
        var median = sorted.Length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
        return new Spread(median, sorted[0], sorted[^1]);
    }

    /// <summary>E.g. <c>median of 5 pairs, min–max 0.81–0.93</c>.</summary>
    public string Describe(int n, string what) =>
        string.Create(CultureInfo.InvariantCulture, $"median of {n} {(n == 1 ? what.TrimEnd('s') : what)}, min–max {Figure.Format(Min)}–{Figure.Format(Max)}");
}
