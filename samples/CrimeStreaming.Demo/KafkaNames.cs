using System.Text.RegularExpressions;
using CrimeStreaming.Demo.Cli;

namespace CrimeStreaming.Demo;

/// <summary>The topic and group names the apps take, checked as Kafka checks them.</summary>
internal static partial class KafkaNames
{
    /// <summary>Checks the input topic, the results topic and the analysis group: legal names, two different topics.</summary>
    public static void Check(string topic, string resultsTopic, string group)
    {
        foreach (var (option, name) in new[] { ("--topic", topic), ("--results-topic", resultsTopic), ("--group", group) })
        {
            if (!Legal().IsMatch(name))
            {
                throw new UsageException($"{option}: '{name}' is not a Kafka name (1 to 249 of a-z A-Z 0-9 . _ -).");
            }
        }

        if (resultsTopic == topic)
        {
            throw new UsageException($"--results-topic: must differ from --topic ('{topic}').");
        }
    }

    [GeneratedRegex("^[a-zA-Z0-9._-]{1,249}$")]
    private static partial Regex Legal();
}
