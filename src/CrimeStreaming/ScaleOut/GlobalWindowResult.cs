using System.Globalization;
using System.Text;
using CrimeStreaming.Windowing;

namespace CrimeStreaming.ScaleOut;

/// <summary>A global window's result: the original analyses over every partition's reports in the window.</summary>
/// <param name="Hours">The window's length in hours (1, 6 or 12 by default); windows slide by one hour.</param>
/// <param name="Snapshot">Total, near the place of interest, top crime types and areas, with the window's start and end.</param>
public sealed record GlobalWindowResult(int Hours, CrimeSnapshot Snapshot)
{
    /// <summary>
    /// One line that identifies the result exactly, independent of culture and of how the counts were computed:
    /// the unit of <see cref="GlobalWindowMerger.Digest"/>.
    /// </summary>
    public string ToCanonicalString()
    {
        var s = Snapshot;
        var line = new StringBuilder(256);
        line.Append(CultureInfo.InvariantCulture, $"{Hours}h {s.Start.UtcDateTime:yyyy-MM-ddTHH:mm}Z..{s.End.UtcDateTime:yyyy-MM-ddTHH:mm}Z total={s.Total} near={s.Near} types=");
        Append(line, s.TopCrimeTypes);
        line.Append(" areas=");
        Append(line, s.TopAreas);
        return line.ToString();
    }

    private static void Append(StringBuilder line, IReadOnlyList<KeyCount<string>> counts)
    {
        for (var i = 0; i < counts.Count; i++)
        {
            line.Append(i == 0 ? "" : ";").Append(counts[i].Key).Append('=').Append(counts[i].Count.ToString(CultureInfo.InvariantCulture));
        }
    }
}
