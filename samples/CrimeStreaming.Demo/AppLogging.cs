using Microsoft.Extensions.Logging;

namespace CrimeStreaming.Demo;

/// <summary>The logging of the Kafka apps: warnings on the console, the library's and librdkafka's lines only with <c>--verbose</c>.</summary>
internal static class AppLogging
{
    public static ILoggerFactory Create(bool verbose) => LoggerFactory.Create(b => b
        .SetMinimumLevel(verbose ? LogLevel.Information : LogLevel.Warning)
        .AddSimpleConsole(o => o.SingleLine = true)
        .AddFilter("librdkafka", verbose ? LogLevel.Information : LogLevel.None)
        // Delivery failures, lost messages and librdkafka's connection failures are counted in the summaries; their
        // per-event lines only with --verbose.
        .AddFilter("CrimeStreaming.Kafka", verbose ? LogLevel.Information : LogLevel.Critical));
}
