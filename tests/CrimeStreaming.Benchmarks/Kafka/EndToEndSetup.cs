using CrimeStreaming.Csv;
using CrimeStreaming.Kafka;
using CrimeStreaming.Kafka.Embedded;
using CrimeStreaming.ScaleOut;

namespace CrimeStreaming.Benchmarks.Kafka;

/// <summary>
/// What the end-to-end suites (<see cref="ScaleOutFigures"/>, <see cref="StreamizFigures"/>) share: the replay of
/// generated rows, the topics and the lag bound every producer is held to.
/// </summary>
internal static class EndToEndSetup
{
    public const string InputTopic = KafkaDefaults.Topic;
    public const string ResultsTopic = "la-crime-windows";
    public const string AnalysisGroup = "crimestreaming-analysis";
    public const int Partitions = 6;
    public const int ReplicationFactor = 3;
    public const int Officers = 4;
    public const int Seed = 1;

    // The embedded cluster keeps only ~5 MiB per partition, and with one key per officer 4 keys fill at most 4
    // partitions whatever the partition count, so only bounding the producer keeps the data whole.
    public const int MaxUnconsumedPerPartition = 3_000;

    /// <summary>The replay both sides measure: as fast as possible, 4 officers, seed 1.</summary>
    public static BasicCrimeStreamer NewStreamer(string path) =>
        new(new CsvCrimeRecordSource(path), new CrimeStreamerOptions { AsFastAsPossible = true, Seed = Seed, Officers = Officers });

    /// <summary>A fresh 3-broker cluster with what the analysis needs: the input topic, the one-partition results topic and the state topic.</summary>
    public static EmbeddedKafkaCluster AnalysisCluster()
    {
        var cluster = new EmbeddedKafkaCluster(3);
        cluster.CreateTopic(InputTopic, Partitions, ReplicationFactor);
        cluster.CreateTopic(ResultsTopic, 1, ReplicationFactor);
        cluster.CreateTopic(ResultsTopic + "-state", Partitions, ReplicationFactor);
        return cluster;
    }

    /// <summary>The sink both sides are fed by, held to <see cref="MaxUnconsumedPerPartition"/> by <paramref name="group"/>'s commits.</summary>
    public static KafkaCrimeSink LagBoundedSink(string bootstrapServers, string group, bool writeEndOfStream = true) => new(new KafkaCrimeSinkOptions
    {
        BootstrapServers = bootstrapServers,
        Topic = InputTopic,
        ConsumerLagLimit = new ConsumerLagLimit { GroupId = group, MaxMessagesPerPartition = MaxUnconsumedPerPartition },
        WriteEndOfStream = writeEndOfStream,
    });

    /// <summary>
    /// Fails the suite, naming <paramref name="who"/>, unless the run finished in time with every scheduled report emitted,
    /// delivered and in the merged results, complete.
    /// </summary>
    public static void CheckComplete(string who, StreamingSummary replay, KafkaDeliverySummary delivery, MergeSummary merged, bool timedOut, TimeSpan timeout)
    {
        if (replay.Cancelled || timedOut)
        {
            throw new TimeoutException($"{who}: not complete within {timeout} ({replay.Emitted:N0} of {replay.Scheduled:N0} emitted, {merged.Reports:N0} analysed)");
        }

        Check(replay.Emitted == replay.Scheduled, $"{who}: {replay.Emitted:N0} of {replay.Scheduled:N0} scheduled reports emitted");
        Check(delivery.Failed == 0 && delivery.Delivered == replay.Emitted, $"{who}: {delivery}");
        Check(merged.Complete, $"{who}: results not complete: {merged}");
        Check(merged.Reports == replay.Emitted, $"{who}: results count {merged.Reports:N0} reports, {replay.Emitted:N0} were emitted: {merged}");
    }

    /// <summary>
    /// Stops the results reader and the analysis instances if they still run, and waits for them whatever their outcome:
    /// every client closes before the cluster goes (a consumer closing against a destroyed cluster hangs).
    /// </summary>
    public static async Task StopClientsAsync(CancellationTokenSource stop, Task reading, Task analysing)
    {
        if (!reading.IsCompleted || !analysing.IsCompleted)
        {
            await stop.CancelAsync();
        }

        await Task.WhenAll(reading, analysing).ContinueWith(_ => { }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    /// <summary>
    /// Waits until the results reader has finished (the results are complete), surfacing an analysis instance's failure
    /// first; when every instance stops without failing, the reader's outcome is the judge.
    /// </summary>
    public static async Task UntilResultsAsync(Task reading, Task analysing)
    {
        while (!reading.IsCompleted)
        {
            await Task.WhenAny(reading, analysing);
            if (analysing.IsCompleted && !reading.IsCompleted)
            {
                if (analysing.IsFaulted || analysing.IsCanceled)
                {
                    await analysing;
                }

                await reading;
            }
        }

        await reading;
    }

    /// <summary>Fails the suite with <paramref name="what"/> unless <paramref name="condition"/> holds.</summary>
    public static void Check(bool condition, string what)
    {
        if (!condition)
        {
            throw new InvalidOperationException(what);
        }
    }
}
