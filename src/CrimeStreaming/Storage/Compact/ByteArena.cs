using System.Runtime.CompilerServices;
using System.Text;

namespace CrimeStreaming.Storage.Compact;

/// <summary>
/// Append-only storage of short strings as length-prefixed UTF-8 in large chunks: no object per string, so a million
/// DR numbers and addresses cost their bytes, not a million headers.
/// </summary>
internal sealed class ByteArena
{
    private const int ChunkSize = 1 << 20;
    private readonly List<byte[]> _chunks = [];
    private byte[] _current = [];
    private int _position;

    /// <summary>Bytes held, including unused chunk tails.</summary>
    public long Capacity => _chunks.Sum(c => (long)c.Length);

    /// <summary>Appends the strings as one entry and returns where it starts.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public long Append(string? a, string? b, string? c, string? d)
    {
        var size = Size(a) + Size(b) + Size(c) + Size(d);
        if (_position + size > _current.Length)
        {
            _current = new byte[Math.Max(ChunkSize, size)];
            _chunks.Add(_current);
            _position = 0;
        }

        var start = ((long)(_chunks.Count - 1) << 32) | (uint)_position;
        Write(a);
        Write(b);
        Write(c);
        Write(d);
        return start;
    }

    /// <summary>Reads back the four strings of the entry at <paramref name="start"/>.</summary>
    public (string? A, string? B, string? C, string? D) Read(long start)
    {
        var chunk = _chunks[(int)(start >> 32)];
        var pos = (int)(uint)start;
        return (ReadOne(chunk, ref pos), ReadOne(chunk, ref pos), ReadOne(chunk, ref pos), ReadOne(chunk, ref pos));
    }

    private static int Size(string? s) => s is null ? 1 : 5 + Encoding.UTF8.GetByteCount(s);

    private void Write(string? s)
    {
        if (s is null)
        {
            _current[_position++] = 0;
            return;
        }

        // The length first (counting is cheaper than encoding to a gap and moving the bytes back behind the varint).
        var length = Encoding.UTF8.GetByteCount(s);
        var lengthPlusOne = (uint)length + 1;
        var varint = 0;
        do
        {
            var b = (byte)(lengthPlusOne & 0x7F);
            lengthPlusOne >>= 7;
            if (lengthPlusOne != 0)
            {
                b |= 0x80;
            }

            _current[_position + varint++] = b;
        }
        while (lengthPlusOne != 0);

        Encoding.UTF8.GetBytes(s, 0, s.Length, _current, _position + varint);
        _position += varint + length;
    }

    private static string? ReadOne(byte[] chunk, ref int pos)
    {
        uint value = 0;
        var shift = 0;
        byte b;
        do
        {
            b = chunk[pos++];
            value |= (uint)(b & 0x7F) << shift;
            shift += 7;
        }
        while ((b & 0x80) != 0);

        if (value == 0)
        {
            return null;
        }

        var length = (int)value - 1;
        var s = length == 0 ? string.Empty : Encoding.UTF8.GetString(chunk, pos, length);
        pos += length;
        return s;
    }
}
