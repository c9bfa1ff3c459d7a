using System.Globalization;
using System.Text;
using Confluent.Kafka;

namespace CrimeStreaming.Kafka;

/// <summary>
/// The header naming the replay shard that produced a report, <c>crimestreaming-shard: i/k</c>, written only when the
/// replay is sharded (k &gt; 1). Analysis keeps event time per shard within a partition: shards replay on their own
/// clocks and interleave arbitrarily, each in report-time order.
/// </summary>
public static class ShardHeader
{
    /// <summary>The header's name: <c>crimestreaming-shard</c>.</summary>
    public const string HeaderName = "crimestreaming-shard";

    internal static Headers For(ReplayShard shard) =>
        [new Header(HeaderName, Encoding.ASCII.GetBytes(string.Create(CultureInfo.InvariantCulture, $"{shard.Index}/{shard.Count}")))];

    /// <summary>The shard that produced a message: <see cref="ReplayShard.Whole"/> without the header; false when the header is malformed.</summary>
    internal static bool TryRead(Headers? headers, out ReplayShard shard)
    {
        shard = ReplayShard.Whole;
        if (headers is not { Count: > 0 } || !headers.TryGetLastBytes(HeaderName, out var value))
        {
            return true;
        }

        return ReplayShard.TryParse(Encoding.ASCII.GetString(value), out shard);
    }
}
