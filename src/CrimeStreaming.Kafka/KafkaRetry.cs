using System.Diagnostics;
using Confluent.Kafka;
using Microsoft.Extensions.Logging;

namespace CrimeStreaming.Kafka;

/// <summary>
/// Retries a blocking request to the cluster (metadata, offsets, watermarks) while its error is transient — a broker
/// down or moving, a coordinator being elected — for a while, instead of failing the client at the first outage.
/// </summary>
/// <remarks>
/// librdkafka retries what runs on its own threads; a request made from ours (a consumer's Committed, a
/// QueryWatermarkOffsets, an admin client's GetMetadata) fails at once when its broker connection drops, with errors
/// such as "Broker handle destroyed without termination". Fatal errors and anything else pass through at once.
/// </remarks>
internal static class KafkaRetry
{
    private static readonly TimeSpan FirstPause = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan LongestPause = TimeSpan.FromSeconds(1);

    /// <summary>Whether <paramref name="error"/> says the cluster may answer if asked again shortly.</summary>
    public static bool IsTransient(Error error) => !error.IsFatal && error.Code is
        ErrorCode.Local_DestroyBroker or ErrorCode.Local_Transport or ErrorCode.Local_AllBrokersDown or ErrorCode.Local_TimedOut
        or ErrorCode.Local_WaitCoord or ErrorCode.RequestTimedOut or ErrorCode.NetworkException or ErrorCode.BrokerNotAvailable
        or ErrorCode.LeaderNotAvailable or ErrorCode.NotLeaderForPartition or ErrorCode.GroupLoadInProgress
        or ErrorCode.GroupCoordinatorNotAvailable or ErrorCode.NotCoordinatorForGroup;

    /// <summary>Runs <paramref name="request"/>, again after a pause on each transient error, for at most <paramref name="patience"/>.</summary>
    /// <exception cref="KafkaException">A lasting or non-transient error: the last one.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> fired while waiting to retry.</exception>
    public static T Run<T>(Func<T> request, string what, TimeSpan patience, ILogger logger, CancellationToken cancellationToken = default)
    {
        var clock = Stopwatch.StartNew();
        var pause = FirstPause;
        while (true)
        {
            try
            {
                return request();
            }
            catch (KafkaException e) when (IsTransient(e.Error) && clock.Elapsed + pause < patience)
            {
                logger.LogWarning("{What} failed ({Reason}); asking again in {Pause} ms", what, e.Error.Reason, (int)pause.TotalMilliseconds);
                if (cancellationToken.WaitHandle.WaitOne(pause))
                {
                    cancellationToken.ThrowIfCancellationRequested();
                }

                pause = pause * 2 < LongestPause ? pause * 2 : LongestPause;
            }
        }
    }
}
