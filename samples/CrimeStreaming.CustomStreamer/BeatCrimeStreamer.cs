using CrimeStreaming;
using CrimeStreaming.Storage;

namespace CrimeStreaming.CustomStreamer;

/// <summary>
/// A streamer that swaps one stage: instead of dealing reports to officers at random, each area (police division) has
/// its own beat officer, so one officer replays every report of its area. Every other stage, and the storage, is
/// whatever the base class is given.
/// </summary>
internal sealed class BeatCrimeStreamer(ICrimeRecordSource source, CrimeStreamerOptions options, IReportStorage? storage = null)
    : CrimeStreamer(source, options, storage)
{
    /// <summary>Officer = the area's number (LAPD areas are 01 to 21), wrapped around when there are fewer officers than areas.</summary>
    protected override int AssignOfficer(CrimeRecord record, DateTimeOffset reportTime, OfficerDeck deck) =>
        int.TryParse(record.AreaId, out var area) && area > 0 ? ((area - 1) % deck.Officers) + 1 : deck.Deal();
}
