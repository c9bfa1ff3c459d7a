using System.Buffers;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using CrimeStreaming.Shared;
using CsvHelper;
using CsvHelper.Configuration;

namespace CrimeStreaming.Csv;

/// <summary>
/// Splits the raw text of one row CsvHelper has read (<see cref="CsvParser.RawRecord"/>) into the fields CsvHelper would
/// give, so that the fields of a row of interest are made on the building thread instead of the tokenizing one.
/// </summary>
/// <remarks>
/// <para>Well-formed rows (RFC 4180: a quoted field opens with a quote, doubles the quotes it holds and closes right
/// before a comma or the end of the row; an unquoted field holds no quote) are split here, on one line. Anything else
/// (malformed quoting, a line break inside a field, a field count that does not match) is read again by CsvHelper itself,
/// configured as the tokenizer is, so its fields and the malformed field it reports are CsvHelper's.</para>
/// <para>Only the columns a record is built from become strings; the others stay <see langword="null"/>. Columns of few
/// distinct values (areas, codes, descriptions, dates…) share their strings through a <see cref="StringCache"/> of
/// 16,384 values of up to 64 characters: a city file then allocates one string per distinct value, not per row.</para>
/// </remarks>
internal sealed class CsvRecordSplitter
{
    private static readonly SearchValues<char> UnquotedStops = SearchValues.Create(",\"\r\n");
    private readonly bool[] _used;
    private readonly bool[] _repeated;
    private readonly StringCache _repeatedValues = new(capacity: 16_384, maxValueLength: 128);
    private readonly int[] _order;
    private readonly Func<BadDataFound, CsvConfiguration> _configuration;

    /// <param name="fieldCount">The number of fields of every row.</param>
    /// <param name="order">The columns to take, in the order CsvHelper's fields are read (which decides the malformed field reported).</param>
    /// <param name="configuration">The tokenizer's configuration, with the given handler of malformed fields.</param>
    /// <param name="repeated">Columns of few distinct values, whose strings are shared.</param>
    public CsvRecordSplitter(int fieldCount, int[] order, Func<BadDataFound, CsvConfiguration> configuration, int[]? repeated = null)
    {
        _repeated = new bool[fieldCount];
        foreach (var index in repeated ?? [])
        {
            _repeated[index] = true;
        }

        _used = new bool[fieldCount];
        foreach (var index in order)
        {
            _used[index] = true;
        }

        _order = order;
        _configuration = configuration;
    }

    /// <summary>The fields of the row <paramref name="raw"/> (its line end included or not), by header position.</summary>
    /// <param name="raw">The row's raw text.</param>
    /// <param name="badData">The first malformed field read that holds a quote, as CsvHelper reports it; <see langword="null"/> when none.</param>
    public string?[] Split(string raw, out string? badData)
    {
        var fields = new string?[_used.Length];
        if (TrySplit(raw, fields))
        {
            badData = null;
            return fields;
        }

        return Reparse(raw, out badData);
    }

    /// <summary>Splits a well-formed row on one line; <see langword="false"/> for anything else.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal bool TrySplit(string raw, string?[] fields)
    {
        var end = raw.Length;
        if (end > 0 && raw[end - 1] == '\n')
        {
            end--;
        }

        if (end > 0 && raw[end - 1] == '\r')
        {
            end--;
        }

        var text = raw.AsSpan(0, end);
        var position = 0;
        for (var field = 0; field < fields.Length; field++)
        {
            if (position < end && raw[position] == '"')
            {
                var start = position + 1;
                var escaped = false;
                var i = start;
                while (true)
                {
                    var next = text[i..].IndexOfAny('"', '\r', '\n');
                    if (next < 0 || text[i + next] != '"')
                    {
                        return false; // unterminated, or a line break inside
                    }

                    i += next;
                    if (i + 1 < end && raw[i + 1] == '"')
                    {
                        escaped = true;
                        i += 2;
                        continue;
                    }

                    break;
                }

                if (_used[field])
                {
                    fields[field] = escaped ? raw[start..i].Replace("\"\"", "\"", StringComparison.Ordinal) : Take(raw, field, start, i);
                }

                position = i + 1;
                if (position < end && raw[position] != ',')
                {
                    return false; // text after the closing quote
                }
            }
            else
            {
                var next = text[position..].IndexOfAny(UnquotedStops);
                var stop = next < 0 ? end : position + next;
                if (stop < end && raw[stop] != ',')
                {
                    return false; // a quote or a line break inside an unquoted field
                }

                if (_used[field])
                {
                    fields[field] = Take(raw, field, position, stop);
                }

                position = stop;
            }

            if (position == end)
            {
                return field == fields.Length - 1;
            }

            position++; // the comma
        }

        return false; // more fields than expected
    }

    /// <summary>The text of a field from <paramref name="start"/> to <paramref name="stop"/>: shared when its column has few values.</summary>
    private string Take(string raw, int field, int start, int stop) =>
        _repeated[field] ? Cached(raw.AsSpan(start, stop - start)) : raw[start..stop];

    /// <summary>The string of a field of few distinct values: the one made before for the same text, if any.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private string Cached(ReadOnlySpan<char> text)
    {
        var key = MemoryMarshal.AsBytes(text);
        if (_repeatedValues.TryGet(key, out var value))
        {
            return value;
        }

        value = new string(text);
        _repeatedValues.TryAdd(key, value);
        return value;
    }

    /// <summary>The fields as CsvHelper reads the row alone, with the malformed field it reports.</summary>
    private string?[] Reparse(string raw, out string? badData)
    {
        string? bad = null;
        var fields = new string?[_used.Length];
        using var parser = new CsvParser(new StringReader(raw), _configuration(args => bad ??= args.Field.Contains('"', StringComparison.Ordinal) ? args.Field : null));
        if (parser.Read())
        {
            foreach (var index in _order)
            {
                fields[index] = index < parser.Count ? parser[index] : null;
            }
        }

        badData = bad;
        return fields;
    }
}
