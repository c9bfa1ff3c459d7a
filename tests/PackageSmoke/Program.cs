using CrimeStreaming;
using CrimeStreaming.Csv;
using CrimeStreaming.Kafka;
using CrimeStreaming.Kafka.Embedded;
using CrimeStreaming.Windowing;

// Uses the packed packages as a user would: replay the real sample through an embedded 3-broker cluster and back.
var file = Path.Combine(AppContext.BaseDirectory, "la-crime-2020-present-sample.csv");
using var cluster = new EmbeddedKafkaCluster();
cluster.CreateTopic(KafkaDefaults.Topic, 3, 3);
var streamer = new BasicCrimeStreamer(new CsvCrimeRecordSource(file), new CrimeStreamerOptions { Seed = 1, AsFastAsPossible = true });
StreamingSummary summary;
using (var sink = new KafkaCrimeSink(new KafkaCrimeSinkOptions { BootstrapServers = cluster.BootstrapServers }))
{
    summary = await streamer.RunAsync(sink);
    Console.WriteLine($"kafka: {sink.Summary}");
}

var source = new KafkaCrimeSource(new KafkaCrimeSourceOptions { BootstrapServers = cluster.BootstrapServers, GroupId = "smoke", StopAtEnd = true });
var consumed = 0;
var near = 0;
await foreach (var c in source.ReadAllAsync())
{
    consumed++;
    near += c.Report.Record.IsWithinDegrees(GeoPoint.Usc) ? 1 : 0;
}

Console.Write(summary);
Console.WriteLine($"consumed {consumed}, near USC {near}, librdkafka {Confluent.Kafka.Library.VersionString}");
return summary.Emitted == 1958 && consumed == 1958 ? 0 : 1;
