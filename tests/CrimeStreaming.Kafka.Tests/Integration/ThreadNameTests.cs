using System.Collections.Concurrent;
using CrimeStreaming.Kafka.Analysis;

namespace CrimeStreaming.Kafka.Tests.Integration;

/// <summary>The library's own long-running threads carry names, so top -H, perf and dumps say what each one is.</summary>
public class ThreadNameTests
{
    private const string Results = "la-crime-windows";

    [Fact]
    public async Task The_analyser_and_the_results_reader_run_on_named_threads()
    {
        using var cluster = KafkaTestData.AnalysisCluster(Results, partitions: 2);
        using (var sink = new KafkaCrimeSink(new KafkaCrimeSinkOptions { BootstrapServers = cluster.BootstrapServers }))
        {
            await KafkaTestData.ReplayInto(sink);
        }

        var options = KafkaTestData.AnalysisOptions(cluster, Results);
        var analyserThreads = new ConcurrentDictionary<string, bool>();
        var resultsThreads = new ConcurrentDictionary<string, bool>();
        using var reader = new KafkaWindowResults(options);
        reader.WindowEmitted += _ => resultsThreads[Thread.CurrentThread.Name ?? "(none)"] = true;
        var analyser = new KafkaWindowAnalyser(options);
        analyser.ReportAnalysed += _ => analyserThreads[Thread.CurrentThread.Name ?? "(none)"] = true;
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var reading = reader.RunAsync(timeout.Token);
        await analyser.RunAsync(timeout.Token);
        await reading;

        analyserThreads.Keys.Should().Equal("crime analyser");
        resultsThreads.Keys.Should().Equal("crime results");
    }
}
