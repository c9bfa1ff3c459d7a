using Confluent.Kafka;
using Microsoft.Extensions.Logging;

namespace CrimeStreaming.Kafka.Analysis;

/// <summary>The topics an analysis needs, checked before it starts.</summary>
internal static class AnalysisTopics
{
    /// <summary>Returns the input topic's partition count; throws a clear error when a topic is missing, the results topic has more than one partition, or the state topic not one per input partition.</summary>
    public static int Check(KafkaWindowAnalyserOptions options, ILogger logger)
    {
        using var admin = new AdminClientBuilder(options.Apply(new AdminClientConfig()))
            .SetLogHandler((_, m) => KafkaLog.Message(logger, m))
            .Build();
        TopicDescription Describe(string topic) =>
            KafkaRetry.Run(() => TopicMetadata.Describe(admin, topic, TimeSpan.FromSeconds(10)), $"Describing topic {topic}", options.UnreachableTimeout, logger);
        var input = Describe(options.Topic);
        var results = Describe(options.ResultsTopic);
        if (results.Partitions.Count != 1)
        {
            throw new KafkaException(new Error(ErrorCode.InvalidPartitions, $"results topic {options.ResultsTopic} has {results.Partitions.Count} partitions; it needs exactly 1 (its order puts each partition's progress after its partials)"));
        }

        var state = Describe(options.StateTopicName);
        if (state.Partitions.Count != input.Partitions.Count)
        {
            throw new KafkaException(new Error(ErrorCode.InvalidPartitions, $"state topic {options.StateTopicName} has {state.Partitions.Count} partitions; it needs one per partition of {options.Topic} ({input.Partitions.Count})"));
        }

        return input.Partitions.Count;
    }
}
