using CrimeStreaming.Csv;
using CrimeStreaming.Kafka;

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
