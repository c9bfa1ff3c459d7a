using System.Security.Cryptography;
using System.Text;
using CrimeStreaming.Aggregation;
using CrimeStreaming.ScaleOut;
using CrimeStreaming.Windowing;

namespace CrimeStreaming.Tests.ScaleOut;

/// <summary>
/// The global windows recounted by brute force from the full list of reports: for every hour end from the first report's
/// hour to 12 hours after the last, every window length, the reports whose time falls in [end − length, end).
/// </summary>
internal static class GlobalWindowOracle
{
    public static IReadOnlyList<string> Windows(IEnumerable<CrimeReport> reports, int[]? hours = null)
    {
        hours ??= [1, 6, 12];
        var sorted = reports.OrderBy(r => r.ReportTime.UtcTicks).ToList();
        var lines = new List<string>();
        if (sorted.Count == 0)
        {
            return lines;
        }

        var hour = TimeSpan.FromHours(1).Ticks;
        var first = sorted[0].ReportTime.UtcTicks / hour * hour;
        var last = sorted[^1].ReportTime.UtcTicks / hour * hour;
        for (var end = first + hour; end <= last + (hours.Max() * hour); end += hour)
        {
            foreach (var length in hours.Order())
            {
                var from = end - (length * hour);
                var counts = new CrimeCounts();
                foreach (var r in sorted)
                {
                    var t = r.ReportTime.UtcTicks;
                    if (t >= from && t < end)
                    {
                        counts.Add(r.Record, CrimeAnalyses.NearUscAsOriginal(r.Record));
                    }
                }

                if (counts.Total > 0)
                {
                    var snapshot = counts.ToSnapshot(new DateTimeOffset(from, TimeSpan.Zero), new DateTimeOffset(end, TimeSpan.Zero));
                    lines.Add(new GlobalWindowResult(length, snapshot).ToCanonicalString());
                }
            }
        }

        return lines;
    }

    public static string Digest(IEnumerable<CrimeReport> reports) =>
        Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(string.Concat(Windows(reports).Select(l => l + "\n"))))).ToLowerInvariant();
}
