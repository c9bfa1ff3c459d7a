using Confluent.Kafka;
using Microsoft.Extensions.Logging;

namespace CrimeStreaming.Kafka;

/// <summary>Routes librdkafka's logs and client errors to an <see cref="ILogger"/> (librdkafka writes to stderr without a handler).</summary>
internal static class KafkaLog
{
    public static void Message(ILogger logger, LogMessage m) =>
        logger.Log(Level(m.Level), "librdkafka {Facility}: {Message}", m.Facility, m.Message);

    public static void Error(ILogger logger, string client, Error e) =>
        logger.Log(e.IsFatal ? LogLevel.Critical : LogLevel.Warning, "Kafka {Client} error {Code}: {Reason}", client, e.Code, e.Reason);

    public static LogLevel Level(SyslogLevel level) => level switch
    {
        SyslogLevel.Emergency or SyslogLevel.Alert or SyslogLevel.Critical => LogLevel.Critical,
        SyslogLevel.Error => LogLevel.Error,
        SyslogLevel.Warning => LogLevel.Warning,
        SyslogLevel.Notice or SyslogLevel.Info => LogLevel.Information,
        _ => LogLevel.Debug,
    };
}
