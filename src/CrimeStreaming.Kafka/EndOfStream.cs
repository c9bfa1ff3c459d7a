using System.Globalization;
using System.Text;
using Confluent.Kafka;

namespace CrimeStreaming.Kafka;

/// <summary>
/// The end-of-stream marker a <see cref="KafkaCrimeSink"/> writes to every partition when its replay completes, so that
/// readers know a partition is finished (and event time can close its last windows) without guessing from silence.
/// </summary>
/// <remarks>
/// A marker is a message with no key, no value and the header <see cref="HeaderName"/> = <c>end i/k</c> (shard i of k).
/// With k sharded producers, a partition has ended once it holds the markers of all k shards. Readers of this library
/// skip markers (they are not reports); other clients see an empty message with that header.
/// </remarks>
public static class EndOfStream
{
    /// <summary>The header that marks control messages: <c>crimestreaming-control</c>.</summary>
    public const string HeaderName = "crimestreaming-control";

    internal static Message<byte[], byte[]> Marker(ReplayShard shard) => new()
    {
        Key = null!,
        Value = [],
        Headers = [new Header(HeaderName, Encoding.ASCII.GetBytes(string.Create(CultureInfo.InvariantCulture, $"end {shard.Index}/{shard.Count}")))],
    };

    /// <summary>Whether a message is a control message (an end marker or an unknown kind, both not reports).</summary>
    internal static bool IsControl(Headers? headers) => headers is { Count: > 0 } && headers.TryGetLastBytes(HeaderName, out _);

    /// <summary>Whether a message is an end marker, and of which shard.</summary>
    internal static bool TryRead(Headers? headers, out ReplayShard shard)
    {
        shard = ReplayShard.Whole;
        if (headers is not { Count: > 0 } || !headers.TryGetLastBytes(HeaderName, out var value))
        {
            return false;
        }

        var text = Encoding.ASCII.GetString(value);
        return text.StartsWith("end ", StringComparison.Ordinal) && ReplayShard.TryParse(text[4..], out shard);
    }
}
