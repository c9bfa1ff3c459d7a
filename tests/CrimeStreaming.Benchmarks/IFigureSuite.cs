namespace CrimeStreaming.Benchmarks;

/// <summary>
/// A group of side-by-side measurements (ours against a peer, same input, same run) that prints figures.
/// Every public non-abstract implementation in this assembly is discovered and run by <c>figures</c>.
/// </summary>
public interface IFigureSuite
{
    /// <summary>Short name used by <c>--only</c>, e.g. <c>kafka</c>, <c>windows</c>, <c>preprocess</c>.</summary>
    string Name { get; }

    /// <summary>Runs the measurements and reports them through <paramref name="context"/>.</summary>
    Task RunAsync(FigureContext context, CancellationToken cancellationToken);
}
