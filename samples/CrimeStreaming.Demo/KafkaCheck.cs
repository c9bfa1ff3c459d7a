using Confluent.Kafka;
using CrimeStreaming.Demo.Cli;
using CrimeStreaming.Kafka;
using Microsoft.Extensions.Logging;

namespace CrimeStreaming.Demo;

/// <summary>Checks the Kafka settings and, for a real cluster, that it answers, before the replay starts.</summary>
internal static class KafkaCheck
{
    /// <summary>Builds (and drops) a producer and a consumer with the settings, so that a misspelt key or a bad value is a usage error now.</summary>
    public static void ValidateSettings(KafkaSettings settings, string bootstrapServers, ILogger logger)
    {
        if (settings.IsEmpty)
        {
            return;
        }

        try
        {
            var producer = new ProducerConfig { BootstrapServers = bootstrapServers };
            settings.ApplyTo(producer);
            using (new ProducerBuilder<byte[], byte[]>(producer).SetLogHandler((_, m) => Log(logger, m)).Build())
            {
            }

            var consumer = new ConsumerConfig { BootstrapServers = bootstrapServers, GroupId = "crimestreaming-settings-check" };
            settings.ApplyTo(consumer);
            using (new ConsumerBuilder<byte[], byte[]>(consumer).SetLogHandler((_, m) => Log(logger, m)).Build())
            {
            }
        }
        catch (Exception e) when (e is ArgumentException or KafkaException or InvalidOperationException)
        {
            throw new UsageException($"Kafka settings (-X, --kafka-config): {e.Message.ReplaceLineEndings(" ")}");
        }
    }

    /// <summary>Asks the cluster for its metadata and gives up after <paramref name="timeout"/>.</summary>
    /// <exception cref="KafkaUnreachableException">No answer in time, or the answer is an error (authentication…).</exception>
    public static async Task<int> CheckReachableAsync(string bootstrapServers, KafkaSettings settings, TimeSpan timeout, ILogger logger, CancellationToken cancellationToken)
    {
        var config = new AdminClientConfig
        {
            BootstrapServers = bootstrapServers,
            SocketConnectionSetupTimeoutMs = (int)timeout.TotalMilliseconds,
        };
        settings.ApplyTo(config);
        string? lastError = null;
        IAdminClient admin;
        try
        {
            admin = new AdminClientBuilder(config)
                .SetLogHandler((_, m) => Log(logger, m))
                .SetErrorHandler((_, e) => lastError = e.Reason)
                .Build();
        }
        catch (Exception e) when (e is ArgumentException or KafkaException or InvalidOperationException)
        {
            throw new UsageException($"Kafka settings (-X, --kafka-config): {e.Message.ReplaceLineEndings(" ")}");
        }

        var request = Task.Run(() => admin.GetMetadata(timeout), CancellationToken.None);
        try
        {
            var metadata = await request.WaitAsync(cancellationToken);
            if (metadata.Brokers.Count == 0)
            {
                throw new KafkaUnreachableException($"Kafka at {bootstrapServers} answered with no brokers.");
            }

            return metadata.Brokers.Count;
        }
        catch (KafkaException e)
        {
            var why = lastError ?? e.Error.Reason;
            throw new KafkaUnreachableException(
                $"Kafka at {bootstrapServers} did not answer within {timeout.TotalSeconds:0} s ({why.ReplaceLineEndings(" ")}); check --bootstrap-servers and the security settings (-X, --kafka-config), or raise --kafka-timeout.");
        }
        finally
        {
            // Disposing while the request still runs (after Ctrl+C) would block: leave it to the process exit then.
            if (request.IsCompleted)
            {
                admin.Dispose();
            }
        }
    }

    /// <summary>Routes a librdkafka line to the logger (which shows it only with --verbose).</summary>
    public static void Log(ILogger logger, LogMessage m) =>
        logger.Log(m.Level <= SyslogLevel.Error ? LogLevel.Error : m.Level <= SyslogLevel.Warning ? LogLevel.Warning : LogLevel.Information, "librdkafka {Facility}: {Message}", m.Facility, m.Message);
}

/// <summary>A real Kafka cluster could not be reached (exit code 1).</summary>
internal sealed class KafkaUnreachableException(string message) : Exception(message);
