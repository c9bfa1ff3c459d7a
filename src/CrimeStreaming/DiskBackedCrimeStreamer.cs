using CrimeStreaming.Storage;
using Microsoft.Extensions.Logging;

namespace CrimeStreaming;

/// <summary>
/// A <see cref="CrimeStreamer"/> for batches larger than memory (<see cref="DiskBackedReportStorage"/>): it reads the
/// input once, assigns officers while streaming, and spills each officer's buffered reports as sorted runs to temporary
/// files whenever the memory budget is reached; an officer's replay merges its runs.
/// </summary>
/// <remarks>
/// <para>Only the storage differs from <see cref="BasicCrimeStreamer"/>, so the same seed and input give exactly the
/// same reports, officers and order. Subclass it to change a stage and keep the disk-backed storage.</para>
/// <para>Run files live in a directory of their own under <see cref="DiskBackedOptions.TemporaryDirectory"/>; it is
/// deleted when the prepared replay is disposed (after completion, failure or cancellation), and at once if
/// preparation fails or is cancelled.</para>
/// </remarks>
public class DiskBackedCrimeStreamer : CrimeStreamer
{
    private readonly DiskBackedReportStorage _storage;

    /// <summary>Creates the streamer.</summary>
    /// <param name="source">Where the records come from.</param>
    /// <param name="options">The options; validated and copied. The default is <see cref="CrimeStreamerOptions"/>' defaults.</param>
    /// <param name="diskOptions">The disk options; validated and copied. The default is <see cref="DiskBackedOptions"/>' defaults.</param>
    /// <param name="logger">Where progress and spills are logged. The default logs nothing.</param>
    /// <param name="timeProvider">Real time for the accelerated clock. The default is <see cref="TimeProvider.System"/>.</param>
    public DiskBackedCrimeStreamer(ICrimeRecordSource source, CrimeStreamerOptions? options = null, DiskBackedOptions? diskOptions = null, ILogger? logger = null, TimeProvider? timeProvider = null)
        : this(source, options, new DiskBackedReportStorage(diskOptions, logger), logger, timeProvider)
    {
    }

    private DiskBackedCrimeStreamer(ICrimeRecordSource source, CrimeStreamerOptions? options, DiskBackedReportStorage storage, ILogger? logger, TimeProvider? timeProvider)
        : base(source, options, storage, logger, timeProvider)
    {
        _storage = storage;
    }

    /// <summary>The validated disk options (a copy).</summary>
    public DiskBackedOptions DiskOptions => _storage.Options;

    /// <summary>What the last preparation spilled, or <see langword="null"/> before the first.</summary>
    public SpillStatistics? LastSpill => _storage.LastSpill;
}
