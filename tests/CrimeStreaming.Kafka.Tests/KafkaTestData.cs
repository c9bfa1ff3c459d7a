using CrimeStreaming.Csv;
using CrimeStreaming.Kafka.Analysis;
using CrimeStreaming.Kafka.Embedded;

namespace CrimeStreaming.Kafka.Tests;

/// <summary>Reports of the real 2020 sample, replayed as fast as possible.</summary>
internal static class KafkaTestData
{
    public static string Sample2020 => Path.Combine(AppContext.BaseDirectory, "data", "la-crime-2020-present-sample.csv");

    /// <summary>A 3-broker cluster with what an analysis needs: the input topic (RF 3), the one-partition results topic and the state topic.</summary>
    public static EmbeddedKafkaCluster AnalysisCluster(string resultsTopic, int partitions)
    {
        var cluster = new EmbeddedKafkaCluster();
        cluster.CreateTopic(KafkaDefaults.Topic, partitions, 3);
        cluster.CreateTopic(resultsTopic, 1, 3);
        cluster.CreateTopic(resultsTopic + "-state", partitions, 3);
        return cluster;
    }

    /// <summary>Analysis options for <see cref="AnalysisCluster"/>: a short session timeout and frequent commits, so that take-overs are quick.</summary>
    public static KafkaWindowAnalyserOptions AnalysisOptions(EmbeddedKafkaCluster cluster, string resultsTopic) => new()
    {
        BootstrapServers = cluster.BootstrapServers,
        ResultsTopic = resultsTopic,
        SessionTimeout = TimeSpan.FromSeconds(3),
        CommitInterval = TimeSpan.FromMilliseconds(100),
    };

    public static BasicCrimeStreamer Streamer(int seed = 3, int officers = 4) =>
        new(new CsvCrimeRecordSource(Sample2020), new CrimeStreamerOptions { Seed = seed, Officers = officers, AsFastAsPossible = true });

    /// <summary>The 1,958 reports the sample's replay emits (seed 3, 4 officers), in order.</summary>
    public static async Task<List<CrimeReport>> SampleReports()
    {
        var sink = new ObservableCrimeSink();
        var reports = new List<CrimeReport>();
        using var subscription = sink.Subscribe(reports.Add);
        await Streamer().RunAsync(sink);
        reports.Should().HaveCount(1958);
        return reports;
    }

    /// <summary>Replays the sample into <paramref name="sink"/> (and returns what was emitted, in order).</summary>
    public static async Task<List<CrimeReport>> ReplayInto(ICrimeReportSink sink, Action<int>? onReport = null)
    {
        var emitted = new List<CrimeReport>();
        var recorder = new CallbackSink(r =>
        {
            emitted.Add(r);
            onReport?.Invoke(emitted.Count);
        });
        // A replay bounded by a group's lag waits for its commits: if the group stalls, fail here rather than hang.
        using var stalled = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        var summary = await Streamer().RunAsync(new CompositeCrimeSink(sink, recorder), stalled.Token);
        summary.Emitted.Should().Be(1958);
        return emitted;
    }

    public static async Task<(List<ConsumedCrimeReport> Reports, KafkaCrimeSource Source)> ReadToEnd(string bootstrap, string group, Action<KafkaCrimeSourceOptions>? configure = null)
    {
        var options = new KafkaCrimeSourceOptions { BootstrapServers = bootstrap, GroupId = group, StopAtEnd = true };
        configure?.Invoke(options);
        var source = new KafkaCrimeSource(options);
        var list = new List<ConsumedCrimeReport>();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await foreach (var r in source.ReadAllAsync(timeout.Token))
        {
            list.Add(r);
        }

        timeout.IsCancellationRequested.Should().BeFalse("the source should reach the end of the topic well within a minute");
        return (list, source);
    }

    /// <summary>A sink that hands every report to a callback (to record what a replay emitted).</summary>
    public sealed class CallbackSink(Action<CrimeReport> onWrite) : ICrimeReportSink
    {
        public ValueTask WriteAsync(CrimeReport report, CancellationToken cancellationToken)
        {
            onWrite(report);
            return ValueTask.CompletedTask;
        }

        public ValueTask CompleteAsync(Exception? error, CancellationToken cancellationToken) => ValueTask.CompletedTask;
    }
}
