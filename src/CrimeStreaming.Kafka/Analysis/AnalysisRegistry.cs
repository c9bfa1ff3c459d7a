using CrimeStreaming.ScaleOut;

namespace CrimeStreaming.Kafka.Analysis;

/// <summary>A group's analyses by name: how the codecs find the aggregate that reads and writes a partial's accumulator.</summary>
internal sealed class AnalysisRegistry
{
    private readonly Dictionary<string, WindowedAnalysis> _byName;

    public AnalysisRegistry(IReadOnlyList<WindowedAnalysis> analyses)
    {
        All = analyses;
        _byName = analyses.ToDictionary(a => a.Name, StringComparer.Ordinal);
    }

    /// <summary>The analyses, the crime snapshot first.</summary>
    public IReadOnlyList<WindowedAnalysis> All { get; }

    public WindowedAnalysis? Find(string name) => _byName.GetValueOrDefault(name);

    public WindowedAnalysis Get(string name) => _byName.TryGetValue(name, out var analysis) ? analysis : throw new InvalidOperationException($"No analysis is named {name}.");

    /// <inheritdoc/>
    public override string ToString() => string.Join(", ", All.Select(a => a.Name));
}
