using System.Globalization;
using System.Text;

namespace CrimeStreaming.Benchmarks;

/// <summary>Collects figures of one benchmark run and prints them as they come.</summary>
public sealed class FigureContext
{
    private readonly List<Figure> _figures = [];

    public FigureContext(bool quick) => Quick = quick;

    /// <summary>Smoke-run mode: small inputs, few repetitions; the figures are not meaningful, only that the code runs.</summary>
    public bool Quick { get; }

    public IReadOnlyList<Figure> Figures => _figures;

    /// <summary>Records one measured figure.</summary>
    /// <param name="suite">The suite name.</param>
    /// <param name="figure">What was measured, e.g. <c>adapter publish</c>.</param>
    /// <param name="value">The value.</param>
    /// <param name="unit">Its unit, e.g. <c>msg/s</c>.</param>
    /// <param name="note">Peer, ratio, goal, input size…</param>
    public void Report(string suite, string figure, double value, string unit, string note = "")
    {
        var f = new Figure(suite, figure, value, unit, note);
        _figures.Add(f);
        Console.WriteLine(f.ToString());
    }

    public string ToMarkdown()
    {
        var s = new StringBuilder();
        s.AppendLine("| suite | figure | value | unit | note |");
        s.AppendLine("|---|---|---:|---|---|");
        foreach (var f in _figures)
        {
            s.AppendLine(CultureInfo.InvariantCulture, $"| {f.Suite} | {f.Name} | {Figure.Format(f.Value)} | {f.Unit} | {f.Note} |");
        }

        return s.ToString();
    }
}

public sealed record Figure(string Suite, string Name, double Value, string Unit, string Note)
{
    public static string Format(double v) =>
        Math.Abs(v) >= 100 ? v.ToString("N0", CultureInfo.InvariantCulture) : v.ToString("0.###", CultureInfo.InvariantCulture);

    public override string ToString() => $"[{Suite}] {Name}: {Format(Value)} {Unit}{(Note.Length > 0 ? "  (" + Note + ")" : string.Empty)}";
}
