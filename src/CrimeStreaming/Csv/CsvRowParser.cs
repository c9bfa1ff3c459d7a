using System.Buffers;

namespace CrimeStreaming.Csv;

/// <summary>
/// An RFC 4180 tokenizer that knows the physical line every row starts and ends on, can skip a row whose field is too
/// long and resume at the next one, and creates field strings only when they are asked for.
/// </summary>
/// <remarks>
/// <para>Line ends are <c>\r\n</c>, <c>\n</c> or a lone <c>\r</c>; a quoted field may span lines. Blank lines are
/// skipped but counted. Malformed quoting (a quote inside an unquoted field, text after a closing quote) does not stop
/// the row: it is flagged in <see cref="MalformedQuoting"/>.</para>
/// <para>A field longer than the limit outside quotes: the rest of the row is scanned without being kept and
/// <see cref="Result.TooLong"/> is returned, so reading resumes at the next row. Inside quotes the row's end cannot be
/// told reliably (an unterminated quote and a long legitimate field look alike until the end of the file), so
/// <see cref="Result.Unrecoverable"/> is returned and the caller must stop.</para>
/// </remarks>
internal sealed class CsvRowParser
{
    private const byte Plain = 0;
    private const byte Quoted = 1;
    private const byte QuotedEscaped = 2;
    private const byte Raw = 3;

    private static readonly SearchValues<char> UnquotedStops = SearchValues.Create(",\r\n\"");
    private static readonly SearchValues<char> QuotedStops = SearchValues.Create("\"\r\n");
    private static readonly SearchValues<char> LineEnds = SearchValues.Create("\r\n");

    private readonly TextReader _reader;
    private readonly int _maxField;
    private readonly int _maxRow;
    private char[] _buffer;
    private int _rowStart;
    private int _pos;
    private int _end;
    private bool _eof;
    private long _linesDone;
    private bool _lineOpen;
    private bool _skipping;
    private int[] _starts = new int[32];
    private int[] _ends = new int[32];
    private byte[] _kinds = new byte[32];

    public CsvRowParser(TextReader reader, int maxFieldLength, int bufferSize = 1 << 16)
    {
        _reader = reader;
        _maxField = maxFieldLength;
        _maxRow = (int)Math.Min(int.MaxValue / 4, Math.Max(4L * maxFieldLength, 1 << 20));
        _buffer = new char[bufferSize];
    }

    public enum Result
    {
        End,
        Row,
        TooLong,
        Unrecoverable,
    }

    /// <summary>Fields of the last row (valid after <see cref="Result.Row"/>).</summary>
    public int Count { get; private set; }

    /// <summary>The 1-based physical line the last row started on.</summary>
    public long StartLine { get; private set; }

    /// <summary>The 1-based physical line the last row ended on (its line end, or the file's last line).</summary>
    public long EndLine { get; private set; }

    /// <summary>Physical lines consumed so far, blank lines included; a last line without a line end counts.</summary>
    public long LinesRead => _linesDone + (_lineOpen ? 1 : 0);

    /// <summary>The last row has a quote inside an unquoted field or text after a closing quote.</summary>
    public bool MalformedQuoting { get; private set; }

    /// <summary>Index of the first field with malformed quoting, or -1.</summary>
    public int MalformedField { get; private set; }

    /// <summary>After <see cref="Result.TooLong"/> or <see cref="Result.Unrecoverable"/>: <see langword="true"/> when the whole row, not one field, was too long.</summary>
    public bool RowTooLong { get; private set; }

    public string this[int index]
    {
        get
        {
            var start = _rowStart + _starts[index];
            var length = _ends[index] - _starts[index];
            return _kinds[index] == QuotedEscaped
                ? new string(_buffer, start, length).Replace("\"\"", "\"", StringComparison.Ordinal)
                : new string(_buffer, start, length);
        }
    }

    /// <summary>Reads the next row, skipping blank lines.</summary>
    public Result Read()
    {
        Count = 0;
        MalformedQuoting = false;
        MalformedField = -1;
        RowTooLong = false;
        _rowStart = _pos;
        while (true)
        {
            if (_pos >= _end && !Fill())
            {
                return Result.End;
            }

            var c = _buffer[_pos];
            if (c is not ('\r' or '\n'))
            {
                break;
            }

            _lineOpen = true;
            ConsumeLineEnd();
            _rowStart = _pos;
        }

        _rowStart = _pos;
        StartLine = _linesDone + 1;
        _lineOpen = true;
        _skipping = false;
        while (true)
        {
            // At the start of a field.
            var fieldStart = _pos - _rowStart;
            var kind = Plain;
            if ((_pos < _end || Fill()) && _buffer[_pos] == '"')
            {
                _pos++;
                var contentStart = _pos - _rowStart;
                var escaped = false;
                while (true)
                {
                    if (!_skipping && (_pos - _rowStart - contentStart > _maxField || _pos - _rowStart > _maxRow))
                    {
                        RowTooLong = _pos - _rowStart - contentStart <= _maxField;
                        return Result.Unrecoverable;
                    }

                    if (_pos >= _end && !Fill())
                    {
                        // An unterminated quote runs to the end of the file: the row ends there.
                        return EndRow(fieldStart, contentStart, _pos - _rowStart, escaped ? QuotedEscaped : Quoted);
                    }

                    var i = _buffer.AsSpan(_pos, _end - _pos).IndexOfAny(QuotedStops);
                    if (i != 0 || _buffer[_pos] == '"')
                    {
                        _lineOpen = true; // text after a line break inside quotes opens the next line
                    }

                    if (i < 0)
                    {
                        _pos = _end;
                        continue;
                    }

                    _pos += i;
                    var c = _buffer[_pos];
                    if (c != '"')
                    {
                        ConsumeLineEnd();
                        continue;
                    }

                    if (PeekNext() == '"')
                    {
                        escaped = true;
                        _pos += 2;
                        continue;
                    }

                    break; // the closing quote
                }

                var contentEnd = _pos - _rowStart;
                _pos++;
                var next = _pos < _end || Fill() ? _buffer[_pos] : ',';
                if (next is ',' or '\r' or '\n' || _pos >= _end)
                {
                    if (_pos >= _end)
                    {
                        return EndRow(fieldStart, contentStart, contentEnd, escaped ? QuotedEscaped : Quoted);
                    }

                    if (next == ',')
                    {
                        AddField(contentStart, contentEnd, escaped ? QuotedEscaped : Quoted);
                        _pos++;
                        continue;
                    }

                    AddField(contentStart, contentEnd, escaped ? QuotedEscaped : Quoted);
                    ConsumeLineEnd();
                    return Finish();
                }

                // Text after the closing quote: keep the field raw and read on as if unquoted.
                Flag();
                kind = Raw;
            }

            // Unquoted (or the malformed tail of a quoted field): up to a comma or a line end.
            while (true)
            {
                if (!_skipping && (_pos - _rowStart - fieldStart > _maxField || _pos - _rowStart > _maxRow))
                {
                    RowTooLong = _pos - _rowStart - fieldStart <= _maxField;
                    _skipping = true;
                    _rowStart = _pos;
                }

                if (_pos >= _end && !Fill())
                {
                    return EndRow(fieldStart, fieldStart, _pos - _rowStart, kind);
                }

                var i = _buffer.AsSpan(_pos, _end - _pos).IndexOfAny(UnquotedStops);
                if (i < 0)
                {
                    _pos = _end;
                    continue;
                }

                _pos += i;
                var c = _buffer[_pos];
                if (c == '"')
                {
                    Flag();
                    kind = Raw;
                    _pos++;
                    continue;
                }

                if (!_skipping && _pos - _rowStart - fieldStart > _maxField)
                {
                    continue; // the check at the top of the loop turns to skipping
                }

                AddField(fieldStart, _pos - _rowStart, kind);
                if (c == ',')
                {
                    _pos++;
                    break;
                }

                ConsumeLineEnd();
                return Finish();
            }
        }
    }

    /// <summary>Reads to the end of the input counting line ends only (after <see cref="Result.Unrecoverable"/>, where the CSV structure is unknown).</summary>
    public void SkipToEnd()
    {
        while (true)
        {
            _rowStart = _pos;
            if (_pos >= _end && !Fill())
            {
                return;
            }

            _lineOpen = true;
            var i = _buffer.AsSpan(_pos, _end - _pos).IndexOfAny(LineEnds);
            if (i < 0)
            {
                _pos = _end;
                continue;
            }

            _pos += i;
            ConsumeLineEnd();
        }
    }

    private Result EndRow(int fieldStart, int contentStart, int contentEnd, byte kind)
    {
        if (!_skipping && contentEnd - fieldStart > _maxField)
        {
            _skipping = true;
        }

        AddField(contentStart, contentEnd, kind);
        return Finish();
    }

    private Result Finish()
    {
        EndLine = LinesRead;
        var skipped = _skipping;
        _skipping = false;
        if (skipped)
        {
            Count = 0;
            return Result.TooLong;
        }

        return Result.Row;
    }

    private void Flag()
    {
        if (!_skipping && !MalformedQuoting)
        {
            MalformedQuoting = true;
            MalformedField = Count;
        }
    }

    private void AddField(int start, int end, byte kind)
    {
        if (_skipping)
        {
            return;
        }

        if (Count == _starts.Length)
        {
            Array.Resize(ref _starts, Count * 2);
            Array.Resize(ref _ends, Count * 2);
            Array.Resize(ref _kinds, Count * 2);
        }

        _starts[Count] = start;
        _ends[Count] = end;
        _kinds[Count] = kind;
        Count++;
    }

    /// <summary>Consumes the line end at <see cref="_pos"/> (<c>\r\n</c>, <c>\n</c> or <c>\r</c>) and counts the line.</summary>
    private void ConsumeLineEnd()
    {
        var c = _buffer[_pos];
        _pos++;
        if (c == '\r' && PeekAt() == '\n')
        {
            _pos++;
        }

        _linesDone++;
        _lineOpen = false;
    }

    private char PeekAt() => _pos < _end || Fill() ? _buffer[_pos] : '\0';

    private char PeekNext()
    {
        if (_pos + 1 >= _end)
        {
            Fill();
        }

        return _pos + 1 < _end ? _buffer[_pos + 1] : '\0';
    }

    /// <summary>Reads more input, moving the current row to the buffer's start (growing the buffer if the row fills it).</summary>
    /// <returns><see langword="false"/> at the end of the input.</returns>
    private bool Fill()
    {
        if (_eof)
        {
            return false;
        }

        if (_skipping)
        {
            _rowStart = _pos; // nothing of a skipped row is kept, so the buffer never grows for it
        }

        if (_rowStart > 0)
        {
            Array.Copy(_buffer, _rowStart, _buffer, 0, _end - _rowStart);
            _end -= _rowStart;
            _pos -= _rowStart;
            _rowStart = 0;
        }

        if (_end == _buffer.Length)
        {
            Array.Resize(ref _buffer, _buffer.Length * 2);
        }

        var n = _reader.Read(_buffer, _end, _buffer.Length - _end);
        if (n == 0)
        {
            _eof = true;
            return false;
        }

        _end += n;
        return true;
    }
}
