using System.Runtime.CompilerServices;

namespace CrimeStreaming.Csv;

/// <summary>
/// Hands the text to the CSV parser unchanged while noting where every physical line ends, so that a row can be given
/// the exact lines it spans from the character offsets the parser reports, and the lines of the input can be counted.
/// </summary>
/// <remarks>
/// <para>Line ends are <c>\r\n</c>, <c>\n</c> or a lone <c>\r</c>; a last line without an end counts as a line. Offsets
/// count the characters handed out so far. Only line ends past the last offset asked about are kept, so memory stays
/// within the parser's buffer, not the file.</para>
/// <para>CSV structure (quotes, delimiters) is the parser's business: this reader knows only lines.</para>
/// </remarks>
internal sealed class LineTrackingReader(TextReader inner) : TextReader
{
    private long[] _ends = new long[256];
    private int _head;
    private int _count;
    private long _endsPassed;
    private long _delivered;
    private long _lineEnds;
    private char _last;
    private bool _draining;
    private bool _carriedCr;

    /// <summary>Physical lines handed out so far (all of them once the parser or <see cref="Drain"/> reached the end).</summary>
    public long LinesRead => _lineEnds + (_delivered > 0 && _last is not ('\r' or '\n') ? 1 : 0);

    /// <summary>The 1-based line holding the character at <paramref name="offset"/>.</summary>
    /// <remarks>Offsets asked about must not decrease: the line ends before one are forgotten once it was asked about.</remarks>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public long LineAt(long offset)
    {
        while (_count > 0 && _ends[_head] < offset)
        {
            _head = (_head + 1) & (_ends.Length - 1);
            _count--;
            _endsPassed++;
        }

        return _endsPassed + 1;
    }

    /// <summary>Reads the rest of the input only to count its lines (after reading had to stop).</summary>
    public void Drain()
    {
        _draining = true;
        _count = 0;
        var buffer = new char[1 << 16];
        while (Read(buffer, 0, buffer.Length) > 0)
        {
        }
    }

    public override int Peek() => _carriedCr ? '\r' : inner.Peek();

    public override int Read()
    {
        Span<char> one = stackalloc char[1];
        return Read(one) == 1 ? one[0] : -1;
    }

    public override int Read(char[] buffer, int index, int count) => Read(buffer.AsSpan(index, count));

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public override int Read(Span<char> buffer)
    {
        // A chunk never ends with a \r while more text follows: CsvHelper 33 miscounts a blank \r\n line (its Row,
        // RawRow and CharCount) when the \r and the \n come in two reads, so the \r is held back for the next read.
        var n = 0;
        if (_carriedCr && !buffer.IsEmpty)
        {
            buffer[0] = '\r';
            _carriedCr = false;
            n = 1;
        }

        while (n < buffer.Length)
        {
            var read = inner.Read(buffer[n..]);
            if (read == 0)
            {
                break;
            }

            n += read;
            if (buffer[n - 1] != '\r')
            {
                break;
            }

            if (n > 1)
            {
                _carriedCr = true;
                n--;
                break;
            }
        }

        Track(buffer[..n]);
        return n;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            inner.Dispose();
        }

        base.Dispose(disposing);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Track(ReadOnlySpan<char> chunk)
    {
        if (chunk.IsEmpty)
        {
            return;
        }

        var start = _delivered;
        var i = 0;
        if (_last == '\r' && chunk[0] == '\n')
        {
            // The \r ending the last chunk was counted as a line end; with this \n it is one \r\n, ending here.
            if (_count > 0 && _ends[(_head + _count - 1) & (_ends.Length - 1)] == start - 1)
            {
                _ends[(_head + _count - 1) & (_ends.Length - 1)] = start;
            }

            i = 1;
        }

        while (i < chunk.Length)
        {
            var j = chunk[i..].IndexOfAny('\r', '\n');
            if (j < 0)
            {
                break;
            }

            var p = i + j;
            if (chunk[p] == '\r' && p + 1 < chunk.Length && chunk[p + 1] == '\n')
            {
                p++;
            }

            Add(start + p);
            i = p + 1;
        }

        _last = chunk[^1];
        _delivered += chunk.Length;
    }

    private void Add(long end)
    {
        _lineEnds++;
        if (_draining)
        {
            return;
        }

        if (_count == _ends.Length)
        {
            var grown = new long[_ends.Length * 2];
            for (var k = 0; k < _count; k++)
            {
                grown[k] = _ends[(_head + k) & (_ends.Length - 1)];
            }

            _ends = grown;
            _head = 0;
        }

        _ends[(_head + _count) & (_ends.Length - 1)] = end;
        _count++;
    }
}
