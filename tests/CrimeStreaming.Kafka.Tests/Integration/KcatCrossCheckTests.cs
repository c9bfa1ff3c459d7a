using System.Diagnostics;
using System.Text.Json;
using CrimeStreaming.Kafka.Embedded;
using Xunit.Abstractions;

namespace CrimeStreaming.Kafka.Tests.Integration;

/// <summary>An independent client (kcat, built on its own librdkafka) reads what the adapter published.</summary>
public class KcatCrossCheckTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Kcat_reads_every_report_from_the_three_broker_cluster()
    {
        var kcat = FindOnPath("kcat");
        if (kcat is null)
        {
            Environment.GetEnvironmentVariable("CI").Should().NotBe("true", "CI installs kcat (see .ci/run); without it this cross-check cannot run");
            output.WriteLine("SKIPPED: kcat is not installed (apt-get install kcat); the independent-client cross-check did not run.");
            return;
        }

        using var cluster = new EmbeddedKafkaCluster();
        cluster.CreateTopic(KafkaDefaults.Topic, 3, 3);
        List<CrimeReport> emitted;
        using (var sink = new KafkaCrimeSink(new KafkaCrimeSinkOptions { BootstrapServers = cluster.BootstrapServers }))
        {
            emitted = await KafkaTestData.ReplayInto(sink);
        }

        var metadata = await Run(kcat, $"-b {cluster.BootstrapServers} -L -t {KafkaDefaults.Topic}");
        metadata.Should().Contain("3 brokers").And.Contain("topic \"la-crime\" with 3 partitions");

        var all = (await Run(kcat, $"-b {cluster.BootstrapServers} -C -t {KafkaDefaults.Topic} -e -q -f %k\\t%T\\t%h\\t%s\\n"))
            .Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var markers = all.Where(l => l.Split('\t')[2] == $"{EndOfStream.HeaderName}=end 1/1").ToList();
        markers.Should().HaveCount(3, "one end-of-stream marker per partition");
        markers.Should().OnlyContain(l => l.EndsWith("\t", StringComparison.Ordinal) && l.StartsWith("\t", StringComparison.Ordinal), "a marker has no key and an empty value");
        var lines = all.Where(l => !markers.Contains(l)).ToList();
        lines.Should().HaveCount(1958);
        var byDr = emitted.ToDictionary(r => r.Record.DrNumber);
        foreach (var line in lines.Take(50))
        {
            var parts = line.Split('\t', 4);
            parts[2].Should().BeEmpty("reports carry no headers");
            using var json = JsonDocument.Parse(parts[3]);
            var report = byDr[json.RootElement.GetProperty("dr_no").GetString()!];
            parts[0].Should().Be(report.OfficerId.ToString(System.Globalization.CultureInfo.InvariantCulture), "the key is the officer id");
            long.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture).Should().Be(report.ReportTime.ToUnixTimeMilliseconds(), "the timestamp is the report time");
            json.RootElement.GetProperty("crm_cd_desc").GetString().Should().Be(report.Record.CrimeDescription);
            json.RootElement.GetProperty("area_name").GetString().Should().Be(report.Record.AreaName);
        }
    }

    private static string? FindOnPath(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(Path.PathSeparator)
            .Select(d => Path.Combine(d, name)).FirstOrDefault(File.Exists);

    private static async Task<string> Run(string file, string arguments)
    {
        using var process = Process.Start(new ProcessStartInfo(file, arguments) { RedirectStandardOutput = true, RedirectStandardError = true })!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);
        process.ExitCode.Should().Be(0, await stderr);
        return await stdout;
    }
}
