using System.Globalization;
using CrimeStreaming.Analyser;
using CrimeStreaming.Demo;
using CrimeStreaming.Demo.Cli;
using CrimeStreaming.Kafka;
using CrimeStreaming.Kafka.Analysis;
using Microsoft.Extensions.Logging;

// A member of the demo's analysis consumer group, in its own process (or on another machine):
//   dotnet run -c Release --project samples/CrimeStreaming.Analyser -- --bootstrap-servers 127.0.0.1:PORT,...
// It takes a share of the partitions, publishes partial results, and ends with the same digest as the demo.
KafkaSettings? secrets = null;
return await ConsoleApp.RunAsync(args.Contains("--verbose"), "leaving the group", m => secrets?.Redact(m) ?? m, async stop =>
{
    var options = AnalyserOptions.Parse(args);
    secrets = options.KafkaSettings;
    if (options.Help)
    {
        Console.WriteLine(AnalyserOptions.Usage);
        return ConsoleApp.Success;
    }

    using var loggerFactory = AppLogging.Create(options.Verbose);
    var kafkaLogger = loggerFactory.CreateLogger("CrimeStreaming.Kafka");
    var bootstrap = options.BootstrapServers!;
    var brokers = await KafkaCheck.CheckReachableAsync(bootstrap, options.KafkaSettings, options.KafkaTimeout, loggerFactory.CreateLogger("librdkafka"), stop.Token);
    var analysis = new KafkaWindowAnalyserOptions
    {
        BootstrapServers = bootstrap,
        Topic = options.Topic,
        ResultsTopic = options.ResultsTopic,
        GroupId = options.Group,
        AllowedDisorder = options.Disorder,
        Configure = options.KafkaSettings.ApplyTo,
    };
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Kafka at {bootstrap}: {brokers} brokers; joining group {options.Group} on {options.Topic} with {options.Consumers} instance(s), results on {options.ResultsTopic}"));

    using var results = new KafkaWindowResults(analysis, kafkaLogger);
    var analysers = Enumerable.Range(0, options.Consumers).Select(_ => new KafkaWindowAnalyser(analysis, kafkaLogger)).ToList();
    var reading = results.RunAsync(stop.Token);
    await Task.WhenAll(analysers.Select(a => a.RunAsync(stop.Token)));
    await reading;

    for (var i = 0; i < analysers.Count; i++)
    {
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"analysis instance {i + 1}: {analysers[i].Summary}"));
    }

    var merged = results.Summary;
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"analysed {merged.Reports:N0} reports, late for their window {merged.LateReports:N0}; {merged}; foreign results messages {results.ForeignMessages:N0}"));
    Console.WriteLine($"results sha256: {merged.Digest}");
    if (stop.Token.IsCancellationRequested)
    {
        return ConsoleApp.Interrupted;
    }

    return merged.Complete && analysers.All(a => a.Summary.Lost == 0) ? ConsoleApp.Success : ConsoleApp.Failure;
});
