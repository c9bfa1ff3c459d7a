using CrimeStreaming;

namespace CrimeStreaming.CustomStreamer;

/// <summary>
/// A streamer that swaps one stage: instead of dealing reports to officers at random, each area (police division) has
/// its own beat officer, so one officer replays every report of its area. The other stages are the base class's.
/// </summary>
internal sealed class BeatCrimeStreamer(ICrimeRecordSource source, CrimeStreamerOptions options) : CrimeStreamer(source, options)
{
    private readonly Dictionary<string, int> _beats = new(StringComparer.Ordinal);

    /// <summary>Officer = the area's beat, numbered in order of first appearance (areas beyond the officer count share).</summary>
    protected override IEnumerable<CrimeReport> AssignOfficers(IEnumerable<(CrimeRecord Record, DateTimeOffset ReportTime)> reports, int officers, Random random, StreamingProgress progress)
    {
        foreach (var (record, reportTime) in reports)
        {
            if (!_beats.TryGetValue(record.AreaId, out var beat))
            {
                _beats[record.AreaId] = beat = (_beats.Count % officers) + 1;
            }

            progress.OnScheduled();
            yield return new CrimeReport(record, reportTime, beat);
        }
    }

    /// <summary>A plain in-memory partition: group by officer, sort by report time (a stable sort keeps input order on ties).</summary>
    protected override IReadOnlyList<OfficerPartition> Partition(IEnumerable<CrimeReport> reports, int officers, CancellationToken cancellationToken)
    {
        var lists = reports.GroupBy(r => r.OfficerId).ToDictionary(g => g.Key, g => g.OrderBy(r => r.ReportTime).ToList());
        return Enumerable.Range(1, officers)
            .Select(id => lists.TryGetValue(id, out var list) ? new OfficerPartition(id, list.Count, list) : new OfficerPartition(id, 0, []))
            .ToList();
    }
}
