using System.Globalization;
using CrimeStreaming.Aggregation;
using CrimeStreaming.Kafka.Analysis;
using CrimeStreaming.ScaleOut;
using CrimeStreaming.Tests.ScaleOut;

namespace CrimeStreaming.Kafka.Tests.Integration;

/// <summary>
/// Sparse input: reports hours apart with 1-hour count analyses close more partials than there are reports. The analyser
/// publishes them as they close, so that reading does not pause for their confirmations (each pause of the librdkafka
/// consumer cost up to a second: its resume does not wake the fetcher).
/// </summary>
public class SparseInputTests
{
    private const string Results = "la-crime-sparse-windows";

    [Fact]
    public async Task Partials_closing_faster_than_reports_arrive_do_not_pause_reading()
    {
        using var cluster = KafkaTestData.AnalysisCluster(Results, partitions: 4);
        var options = KafkaTestData.AnalysisOptions(cluster, Results);
        var hour = new WindowDefinition(TimeSpan.FromHours(1), TimeSpan.FromHours(1));
        options.Analyses =
        [
            WindowedAnalysis.Create("officer-counts", WindowAggregate.ByKey(r => r.OfficerId.ToString(CultureInfo.InvariantCulture), WindowAggregate.Count<CrimeReport>()), hour),
            WindowedAnalysis.Create("type-counts", WindowAggregate.ByKey(r => r.Record.CrimeDescription ?? "(none)", WindowAggregate.Count<CrimeReport>()), hour),
        ];

        // The whole input is there before the instance starts: it reads as fast as it can, far ahead of any confirmation.
        List<CrimeReport> emitted;
        using (var sink = new KafkaCrimeSink(new KafkaCrimeSinkOptions { BootstrapServers = cluster.BootstrapServers }))
        {
            emitted = await KafkaTestData.ReplayInto(sink);
        }

        using var reader = new KafkaWindowResults(options);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90)); // a hang guard, not a measurement
        var reading = reader.RunAsync(timeout.Token);
        var analyser = new KafkaWindowAnalyser(options);
        await analyser.RunAsync(timeout.Token);
        await reading;

        timeout.IsCancellationRequested.Should().BeFalse("the analysis completes on the end-of-stream markers");
        reader.IsComplete.Should().BeTrue();
        reader.Digest.Should().Be(GlobalWindowOracle.Digest(emitted));
        analyser.Summary.Reports.Should().Be(1958);
        analyser.Summary.Partials.Should().BeGreaterThan(2 * 1958, "1-hour counts of sparse reports close more partials than there are reports");

        // Publishing only every 500 messages read let about two partials per report pile up to the 1,000 that pause
        // reading: this input paused it several times. A pause is left only for confirmations slower than a loaded
        // machine's (one is tolerated).
        analyser.Summary.Throttled.Should().BeLessThanOrEqualTo(1);
    }
}
