using System.Globalization;
using System.Text;
using System.Text.Json;
using CrimeStreaming.Windowing;

namespace CrimeStreaming.Aggregation;

/// <summary>
/// The original study's analysis as one aggregate: total, near the place of interest, top crime types and top areas.
/// The same implementation runs the DStream windows (<see cref="CrimeAnalyses.OverWindow"/>), the event-time windows
/// (<see cref="CrimeAnalyses.EventTimeSnapshots"/>) and the analysis group's global windows.
/// </summary>
/// <param name="isNear">Whether a record counts as near. The default value is <see cref="CrimeAnalyses.NearUscAsOriginal"/>.</param>
/// <param name="top">How many crime types and areas a result lists. The default value is 5.</param>
public sealed class CrimeSnapshotAggregate(Func<CrimeRecord, bool>? isNear = null, int top = 5) : IWindowAggregate<CrimeReport, CrimeCounts, CrimeFigures>
{
    private readonly Func<CrimeRecord, bool> _isNear = isNear ?? CrimeAnalyses.NearUscAsOriginal;

    /// <summary>How many crime types and areas a result lists.</summary>
    public int Top { get; } = top >= 1 ? top : throw new ArgumentOutOfRangeException(nameof(top), top, "At least one crime type and area must be listed.");

    /// <inheritdoc/>
    public CrimeCounts CreateAccumulator() => new();

    /// <inheritdoc/>
    public CrimeCounts Add(CrimeCounts accumulator, CrimeReport item)
    {
        ArgumentNullException.ThrowIfNull(accumulator);
        ArgumentNullException.ThrowIfNull(item);
        accumulator.Add(item.Record, _isNear(item.Record));
        return accumulator;
    }

    /// <inheritdoc/>
    public CrimeCounts Merge(CrimeCounts accumulator, CrimeCounts other)
    {
        ArgumentNullException.ThrowIfNull(accumulator);
        accumulator.Add(other);
        return accumulator;
    }

    /// <inheritdoc/>
    public CrimeFigures GetResult(CrimeCounts accumulator)
    {
        ArgumentNullException.ThrowIfNull(accumulator);
        return accumulator.ToFigures(Top);
    }

    /// <summary>Writes <c>{"total":…,"near":…,"types":{…},"areas":{…}}</c>, keys in ordinal order.</summary>
    public void Write(Utf8JsonWriter writer, CrimeCounts accumulator)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(accumulator);
        writer.WriteStartObject();
        writer.WriteNumber("total", accumulator.Total);
        writer.WriteNumber("near", accumulator.Near);
        WriteCounts(writer, "types", accumulator.Types);
        WriteCounts(writer, "areas", accumulator.Areas);
        writer.WriteEndObject();
    }

    /// <inheritdoc/>
    public CrimeCounts Read(JsonElement json) =>
        CrimeCounts.FromParts(json.GetProperty("total").GetInt64(), json.GetProperty("near").GetInt64(), ReadCounts(json.GetProperty("types")), ReadCounts(json.GetProperty("areas")));

    /// <summary><c>total=… near=… types=A=3;B=1 areas=…</c>: the text the analysis group's results digest has always hashed.</summary>
    public string Format(CrimeFigures result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var line = new StringBuilder(192);
        line.Append(CultureInfo.InvariantCulture, $"total={result.Total} near={result.Near} types=");
        Append(line, result.TopCrimeTypes);
        line.Append(" areas=");
        Append(line, result.TopAreas);
        return line.ToString();
    }

    private static void Append(StringBuilder line, IReadOnlyList<KeyCount<string>> counts)
    {
        for (var i = 0; i < counts.Count; i++)
        {
            line.Append(i == 0 ? "" : ";").Append(counts[i].Key).Append('=').Append(counts[i].Count.ToString(CultureInfo.InvariantCulture));
        }
    }

    private static void WriteCounts(Utf8JsonWriter w, string name, IReadOnlyDictionary<string, long> counts)
    {
        w.WriteStartObject(name);
        foreach (var (key, count) in counts.OrderBy(k => k.Key, StringComparer.Ordinal))
        {
            w.WriteNumber(key, count);
        }

        w.WriteEndObject();
    }

    private static KeyValuePair<string, long>[] ReadCounts(JsonElement element) =>
        element.EnumerateObject().Select(p => new KeyValuePair<string, long>(p.Name, p.Value.GetInt64())).ToArray();
}
