using Microsoft.Extensions.Logging;

namespace CrimeStreaming;

/// <summary>A <see cref="CrimeStreamer"/> that holds the whole batch in memory. Right for files up to a few million rows.</summary>
public sealed class BasicCrimeStreamer : CrimeStreamer
{
    /// <summary>Creates an in-memory streamer over <paramref name="source"/>.</summary>
    public BasicCrimeStreamer(ICrimeRecordSource source, CrimeStreamerOptions? options = null, ILogger? logger = null, TimeProvider? timeProvider = null)
        : base(source, options, logger, timeProvider)
    {
    }

    /// <inheritdoc/>
    protected override IReadOnlyList<OfficerPartition> Partition(IEnumerable<CrimeReport> reports, int officers, CancellationToken cancellationToken)
    {
        var parts = new List<CrimeReport>[officers];
        for (var i = 0; i < officers; i++)
        {
            parts[i] = [];
        }

        var n = 0;
        foreach (var report in reports)
        {
            if ((++n & 0xFFF) == 0)
            {
                cancellationToken.ThrowIfCancellationRequested();
            }

            parts[report.OfficerId - 1].Add(report);
        }

        var result = new OfficerPartition[officers];
        for (var i = 0; i < officers; i++)
        {
            var sorted = SortByReportTime(parts[i]);
            result[i] = new OfficerPartition(i + 1, sorted.Length, sorted);
        }

        return result;
    }

    /// <summary>Stable sort by report time: reports with equal times keep their input order.</summary>
    private static CrimeReport[] SortByReportTime(List<CrimeReport> reports)
    {
        var items = reports.ToArray();
        var keys = new (long Ticks, int Index)[items.Length];
        for (var i = 0; i < items.Length; i++)
        {
            keys[i] = (items[i].ReportTime.UtcTicks, i);
        }

        Array.Sort(keys, items);
        return items;
    }
}
