using Confluent.Kafka;
using CrimeStreaming.Kafka.Analysis;
using CrimeStreaming.Tests.ScaleOut;

namespace CrimeStreaming.Kafka.Tests.Integration;

/// <summary>
/// Pluggable message codecs (<see cref="KafkaCrimeSinkOptions.Serializer"/>, <see cref="KafkaCrimeSourceOptions.Deserializer"/>,
/// <see cref="KafkaWindowAnalyserOptions.Deserializer"/>) through the embedded 3-broker cluster.
/// </summary>
public class SerializerTests
{
    private const string Results = "la-crime-windows";

    [Fact]
    public async Task A_custom_serializer_and_deserializer_round_trip_every_report_and_the_JSON_codec_rejects_their_bytes()
    {
        using var cluster = KafkaTestData.AnalysisCluster(Results, partitions: 3);
        List<CrimeReport> emitted;
        using (var sink = new KafkaCrimeSink(new KafkaCrimeSinkOptions { BootstrapServers = cluster.BootstrapServers, Serializer = new VersionedCodec() }))
        {
            emitted = await KafkaTestData.ReplayInto(sink);
            sink.Summary.Should().Match<KafkaDeliverySummary>(s => s.Delivered == 1958 && s.Failed == 0);
        }

        var (consumed, source) = await KafkaTestData.ReadToEnd(cluster.BootstrapServers, "versioned", o => o.Deserializer = new VersionedCodec());
        consumed.Should().HaveCount(1958);
        consumed.Select(c => c.Report).ToHashSet().SetEquals(emitted).Should().BeTrue("every report comes back equal through the custom codec");
        source.Summary.Invalid.Should().Be(0);

        var (json, jsonSource) = await KafkaTestData.ReadToEnd(cluster.BootstrapServers, "json");
        json.Should().BeEmpty("the default JSON codec cannot read the custom format");
        jsonSource.Summary.Invalid.Should().Be(1958);
    }

    [Fact]
    public async Task A_deserializer_that_throws_makes_invalid_messages_counted_and_passed_on_with_the_reason()
    {
        using var cluster = KafkaTestData.AnalysisCluster(Results, partitions: 3);
        List<CrimeReport> emitted;
        using (var sink = new KafkaCrimeSink(new KafkaCrimeSinkOptions { BootstrapServers = cluster.BootstrapServers }))
        {
            emitted = await KafkaTestData.ReplayInto(sink);
        }

        var rejected = emitted.Count(RejectedByPickyDeserializer);
        rejected.Should().BeInRange(1, 1957);
        var invalid = new List<InvalidMessage>();
        var source = new KafkaCrimeSource(new KafkaCrimeSourceOptions
        {
            BootstrapServers = cluster.BootstrapServers,
            GroupId = "picky",
            StopAtEnd = true,
            Deserializer = new PickyDeserializer(),
        });
        source.InvalidMessage += invalid.Add;
        var consumed = new List<ConsumedCrimeReport>();
        await foreach (var report in source.ReadAllAsync())
        {
            consumed.Add(report);
        }

        consumed.Should().HaveCount(1958 - rejected);
        source.Summary.Should().Match<KafkaConsumeSummary>(s => s.Reports == 1958 - rejected && s.Invalid == rejected);
        invalid.Should().HaveCount(rejected).And.OnlyContain(m => m.Reason.StartsWith("not a crime report: InvalidOperationException: DR ") && m.Value!.Length > 0);
    }

    [Fact]
    public async Task The_analysis_reads_through_the_configured_deserializer_and_counts_what_it_throws_on_as_invalid()
    {
        using var cluster = KafkaTestData.AnalysisCluster(Results, partitions: 3);
        List<CrimeReport> emitted;
        using (var sink = new KafkaCrimeSink(new KafkaCrimeSinkOptions { BootstrapServers = cluster.BootstrapServers, Serializer = new VersionedCodec() }))
        {
            emitted = await KafkaTestData.ReplayInto(sink);
        }

        var options = new KafkaWindowAnalyserOptions
        {
            BootstrapServers = cluster.BootstrapServers,
            ResultsTopic = Results,
            CommitInterval = TimeSpan.FromMilliseconds(100),
            Deserializer = new VersionedCodec(picky: true),
        };
        using var reader = new KafkaWindowResults(options);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        var reading = reader.RunAsync(timeout.Token);
        var analyser = new KafkaWindowAnalyser(options);
        await analyser.RunAsync(timeout.Token);
        await reading;

        var kept = emitted.Where(r => !RejectedByPickyDeserializer(r)).ToList();
        timeout.IsCancellationRequested.Should().BeFalse();
        analyser.Summary.Invalid.Should().Be(emitted.Count - kept.Count);
        reader.Summary.Reports.Should().Be(kept.Count);
        reader.Digest.Should().Be(GlobalWindowOracle.Digest(kept), "the windows count exactly the reports the deserializer accepted");
    }

    private static bool RejectedByPickyDeserializer(CrimeReport report) => report.Record.DrNumber.EndsWith('7');

    /// <summary>A format of its own: a version byte before the JSON, and a header naming the codec.</summary>
    private sealed class VersionedCodec(bool picky = false) : ISerializer<CrimeReport>, IDeserializer<CrimeReport>
    {
        private const byte Version = 2;
        private static readonly PickyDeserializer Picky = new();

        public byte[] Serialize(CrimeReport data, SerializationContext context)
        {
            context.Topic.Should().Be(KafkaDefaults.Topic);
            context.Component.Should().Be(MessageComponentType.Value);
            context.Headers.Add("codec", "versioned"u8.ToArray());
            return [Version, .. CrimeReportJson.Serialize(data)];
        }

        public CrimeReport Deserialize(ReadOnlySpan<byte> data, bool isNull, SerializationContext context)
        {
            if (isNull || data.IsEmpty || data[0] != Version || !context.Headers.TryGetLastBytes("codec", out _))
            {
                throw new FormatException("not a versioned report.");
            }

            return picky ? Picky.Deserialize(data[1..], false, context) : CrimeReportJson.Deserialize(data[1..]);
        }
    }

    /// <summary>The JSON codec that refuses some reports with an exception of its own.</summary>
    private sealed class PickyDeserializer : IDeserializer<CrimeReport>
    {
        public CrimeReport Deserialize(ReadOnlySpan<byte> data, bool isNull, SerializationContext context)
        {
            var report = CrimeReportJsonSerializer.Instance.Deserialize(data, isNull, context);
            return RejectedByPickyDeserializer(report) ? throw new InvalidOperationException($"DR {report.Record.DrNumber} refused.") : report;
        }
    }
}
