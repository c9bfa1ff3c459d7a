using CrimeStreaming.Storage;
using Microsoft.Extensions.Logging;

namespace CrimeStreaming;

/// <summary>A <see cref="CrimeStreamer"/> that holds the whole batch in memory (<see cref="InMemoryReportStorage"/>). Right for files up to a few million rows.</summary>
/// <remarks>
/// Use it as is, or subclass it to change a stage (who reports a crime, which crimes count…) and keep the compact
/// in-memory storage. For batches larger than memory use <see cref="DiskBackedCrimeStreamer"/>, or give any
/// <see cref="CrimeStreamer"/> subclass a <see cref="DiskBackedReportStorage"/>.
/// </remarks>
public class BasicCrimeStreamer : CrimeStreamer
{
    /// <summary>Creates an in-memory streamer over <paramref name="source"/>.</summary>
    /// <param name="source">Where the records come from.</param>
    /// <param name="options">The options; validated and copied. The default is <see cref="CrimeStreamerOptions"/>' defaults.</param>
    /// <param name="logger">Where progress is logged. The default logs nothing.</param>
    /// <param name="timeProvider">Real time for the accelerated clock. The default is <see cref="TimeProvider.System"/>.</param>
    public BasicCrimeStreamer(ICrimeRecordSource source, CrimeStreamerOptions? options = null, ILogger? logger = null, TimeProvider? timeProvider = null)
        : base(source, options, InMemoryReportStorage.Instance, logger, timeProvider)
    {
    }
}
