using BenchmarkDotNet.Attributes;
using CrimeStreaming.Csv;
using CrimeStreaming.Kafka;

namespace CrimeStreaming.Benchmarks.Micro;

/// <summary>
/// Per-item costs behind the figures: parsing a CSV row, and writing and reading a report's JSON.
/// Run with <c>dotnet run -c Release --project tests/CrimeStreaming.Benchmarks -- bdn --filter *CodecBenchmarks*</c>.
/// </summary>
[MemoryDiagnoser]
public class CodecBenchmarks
{
    private string _csv = string.Empty;
    private CrimeReport _report = null!;
    private byte[] _json = [];

    [GlobalSetup]
    public void Setup()
    {
        var path = Path.Combine(AppContext.BaseDirectory, "data", "la-crime-2020-present-sample.csv");
        _csv = string.Join('\n', File.ReadLines(path).Take(1001));
        var record = CrimeCsvReader.ReadFile(path).First();
        _report = new CrimeReport(record, new DateTimeOffset(2020, 1, 8, 23, 15, 0, TimeSpan.FromHours(-8)), 3);
        _json = CrimeReportJson.Serialize(_report);
    }

    /// <summary>1,000 real rows through the reader (divide by 1,000 for a row).</summary>
    [Benchmark]
    public int Parse1000Rows() => CrimeCsvReader.Read(new StringReader(_csv), "bench").Count();

    [Benchmark]
    public byte[] SerializeReport() => CrimeReportJson.Serialize(_report);

    /// <summary>The same report through Utf8JsonWriter only (what <see cref="SerializeReport"/> did before the plain writer).</summary>
    [Benchmark]
    public byte[] SerializeReportWithWriter() => CrimeReportJson.SerializeWithWriter(_report);

    [Benchmark]
    public CrimeReport DeserializeReport() => CrimeReportJson.Deserialize(_json);
}
