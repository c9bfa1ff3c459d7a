using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Security.Cryptography;
using Confluent.Kafka;

namespace CrimeStreaming.Kafka.Analysis;

/// <summary>
/// The states an instance wrote, each marked with a header naming this instance and a sequence number: an instance
/// reads back every state it writes (it follows the whole state topic), and for its own it takes the little the reader
/// needs from here instead of decoding the message. The message is decoded only if a restore asks for it.
/// </summary>
/// <remarks>Thread-safe. An entry leaves when its state is read back; a state never delivered fails the instance.</remarks>
internal sealed class OwnStates
{
    /// <summary>The header: 16 bytes naming the writing instance, then the sequence number (8 bytes, big-endian).</summary>
    public const string HeaderName = "crimestreaming-state-writer";

    private readonly byte[] _writer = RandomNumberGenerator.GetBytes(16);
    private readonly ConcurrentDictionary<long, StateSummary> _written = new();
    private long _sequence;

    /// <summary>States written and not read back yet.</summary>
    public int Pending => _written.Count;

    /// <summary>Records <paramref name="record"/> (a partition's state) and returns the header that marks its message.</summary>
    public Header Mark(StateRecord record)
    {
        var summary = StateSummary.Of(record) ?? throw new ArgumentException("Only a partition's state is marked.", nameof(record));
        var sequence = Interlocked.Increment(ref _sequence);
        _written[sequence] = summary;
        var value = new byte[_writer.Length + sizeof(long)];
        _writer.CopyTo(value, 0);
        BinaryPrimitives.WriteInt64BigEndian(value.AsSpan(_writer.Length), sequence);
        return new Header(HeaderName, value);
    }

    /// <summary>The summary of a state this instance wrote, taken out; <see langword="false"/> for anybody else's message.</summary>
    public bool TryTake(Headers? headers, out StateSummary summary)
    {
        summary = default;
        if (headers is null || !headers.TryGetLastBytes(HeaderName, out var value) || value.Length != _writer.Length + sizeof(long) || !value.AsSpan(0, _writer.Length).SequenceEqual(_writer))
        {
            return false;
        }

        return _written.TryRemove(BinaryPrimitives.ReadInt64BigEndian(value.AsSpan(_writer.Length)), out summary);
    }
}

/// <summary>What the state reader keeps of a partition's state besides the message: enough to pick the newest and to know whether the partition is done.</summary>
internal readonly record struct StateSummary(int Partition, long NextOffset, bool IsEnded, int Unpublished, AnalysisSettings Settings)
{
    /// <summary>The summary of a partition's state; <see langword="null"/> for a settings message.</summary>
    public static StateSummary? Of(StateRecord record) =>
        record.Snapshot is { } s ? new StateSummary(s.Partition, s.NextOffset, s.IsEnded, record.Unpublished.Count, record.Settings) : null;
}
