using System.Globalization;
using System.Text;
using System.Text.Json;
using CrimeStreaming.ScaleOut;
using CrimeStreaming.Windowing;

namespace CrimeStreaming.Demo;

/// <summary>
/// <c>--results-out FILE</c>: every global window result, written as the results reader emits it — one JSON object a
/// line (<c>.jsonl</c>) or one CSV row (<c>.csv</c>, with a header) — so that a run's results outlive the embedded cluster.
/// </summary>
/// <remarks>Thread-safe: the reader raises windows on its own thread. Each line is flushed, so a stopped run keeps what it emitted.</remarks>
internal sealed class ResultsFile : IDisposable
{
    private readonly StreamWriter _writer;
    private readonly bool _csv;
    private readonly object _gate = new();
    private long _written;

    private ResultsFile(string path, bool csv)
    {
        _csv = csv;
        _writer = new StreamWriter(path, append: false, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false)) { NewLine = "\n" };
        if (csv)
        {
            _writer.WriteLine("hours,start,end,total,near_usc,top_types,top_areas");
            _writer.Flush();
        }
    }

    /// <summary>The file's format from its extension: <c>.jsonl</c> or <c>.csv</c> (any case); <see langword="null"/> for any other.</summary>
    public static bool? IsCsv(string path) => Path.GetExtension(path).ToLowerInvariant() switch
    {
        ".csv" => true,
        ".jsonl" => false,
        _ => null,
    };

    /// <summary>Creates (or replaces) the file.</summary>
    /// <exception cref="ArgumentException">The extension is neither <c>.jsonl</c> nor <c>.csv</c>.</exception>
    public static ResultsFile Create(string path) =>
        new(path, IsCsv(path) ?? throw new ArgumentException($"'{path}' is neither .jsonl nor .csv", nameof(path)));

    /// <summary>How many windows were written.</summary>
    public long Written => Interlocked.Read(ref _written);

    public void Write(GlobalWindowResult window)
    {
        ArgumentNullException.ThrowIfNull(window);
        var line = _csv ? Csv(window) : Json(window);
        lock (_gate)
        {
            _writer.WriteLine(line);
            _writer.Flush();
        }

        Interlocked.Increment(ref _written);
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _writer.Dispose();
        }
    }

    private static string Json(GlobalWindowResult window)
    {
        var s = window.Snapshot;
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteNumber("hours", window.Hours);
            w.WriteString("start", Utc(s.Start));
            w.WriteString("end", Utc(s.End));
            w.WriteNumber("total", s.Total);
            w.WriteNumber("near_usc", s.Near);
            Ranking(w, "top_types", s.TopCrimeTypes);
            Ranking(w, "top_areas", s.TopAreas);
            w.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    private static void Ranking(Utf8JsonWriter w, string name, IReadOnlyList<KeyCount<string>> ranking)
    {
        w.WriteStartArray(name);
        foreach (var k in ranking)
        {
            w.WriteStartObject();
            w.WriteString("name", k.Key);
            w.WriteNumber("count", k.Count);
            w.WriteEndObject();
        }

        w.WriteEndArray();
    }

    private static string Csv(GlobalWindowResult window)
    {
        var s = window.Snapshot;
        return string.Join(
            ',',
            window.Hours.ToString(CultureInfo.InvariantCulture),
            Utc(s.Start),
            Utc(s.End),
            s.Total.ToString(CultureInfo.InvariantCulture),
            s.Near.ToString(CultureInfo.InvariantCulture),
            Quote(Ranking(s.TopCrimeTypes)),
            Quote(Ranking(s.TopAreas)));
    }

    private static string Utc(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);

    // "NAME=count;NAME=count", as the digest's canonical lines write a ranking.
    private static string Ranking(IReadOnlyList<KeyCount<string>> ranking) =>
        string.Join(';', ranking.Select(k => string.Create(CultureInfo.InvariantCulture, $"{k.Key}={k.Count}")));

    // RFC 4180: a field with a comma, quote or line break is quoted, its quotes doubled (LAPD descriptions hold commas).
    private static string Quote(string field) =>
        field.AsSpan().IndexOfAny(",\"\r\n") < 0 ? field : "\"" + field.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
}
