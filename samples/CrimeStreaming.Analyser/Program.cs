using System.Globalization;
using CrimeStreaming.Analyser;
using CrimeStreaming.Demo;
using CrimeStreaming.Demo.Cli;
using CrimeStreaming.Kafka;
using CrimeStreaming.Kafka.Analysis;
using Microsoft.Extensions.Logging;

// A member of the demo's analysis consumer group, in its own process (or on another machine), started with the
// command the demo prints:
//   dotnet run -c Release --project samples/CrimeStreaming.Analyser -- --bootstrap-servers 127.0.0.1:PORT,... --disorder SECONDS
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
    // The group's settings (the demo's, or its first member's) decide; a --disorder given here must agree with them.
    var group = await KafkaWindowAnalyser.ReadGroupSettingsAsync(analysis, kafkaLogger, stop.Token);
    if (group is not null)
    {
        if (options.DisorderGiven && group.AllowedDisorder != options.Disorder)
        {
            Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"error: --disorder {options.Disorder.TotalSeconds:0} differs from the group's: group {options.Group} analyses with an allowed disorder of {group.AllowedDisorder.TotalSeconds:0} s (give --disorder {group.AllowedDisorder.TotalSeconds:0}, or leave it out to adopt it)."));
            return ConsoleApp.UsageError;
        }

        group.ApplyTo(analysis);
    }

    // A member that asked nothing adopts the group's settings, also should a first member publish them meanwhile.
    analysis.AdoptGroupSettings = !options.DisorderGiven;
    var disorder = analysis.AllowedDisorder;
    var disorderText = group is not null ? " (the group's)" : options.DisorderGiven ? "" : " (the default: give the demo's with --disorder, as its join command does)";
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Kafka at {bootstrap}: {brokers} brokers; joining group {options.Group} on {options.Topic} with {options.Consumers} instance(s), results on {options.ResultsTopic}, allowed disorder {disorder.TotalSeconds:N0} s{disorderText}"));

    using var results = new KafkaWindowResults(analysis, kafkaLogger);
    var analysers = Enumerable.Range(0, options.Consumers).Select(_ => new KafkaWindowAnalyser(analysis, kafkaLogger)).ToList();
    using var stopReading = CancellationTokenSource.CreateLinkedTokenSource(stop.Token);
    var reading = results.RunAsync(stopReading.Token);
    var instances = analysers.Select(a => a.RunAsync(stop.Token)).ToList();

    // The instances stop once the group's results are complete, and the reader with them. Should every instance of this
    // process have failed, the reader stops too: nothing here would advance the results any more.
    await Task.WhenAll(instances).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    if (instances.Any(t => t.IsFaulted))
    {
        await stopReading.CancelAsync();
    }

    await reading.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);

    for (var i = 0; i < analysers.Count; i++)
    {
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"analysis instance {i + 1}: {analysers[i].Summary}"));
    }

    var merged = results.Summary;
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"analysed {merged.Reports:N0} reports, late for their window {merged.LateReports:N0}; {merged}; foreign results messages {results.ForeignMessages:N0}"));

    // Exit 0 means the digest is the exact one; anything else says what on stderr and exits 1.
    var stopped = stop.Token.IsCancellationRequested;
    var problems = new List<string>();
    if (results.LostMessages > 0)
    {
        problems.Add(string.Create(CultureInfo.InvariantCulture, $"{results.LostMessages:N0} messages of the results topic {options.ResultsTopic} were deleted by its retention before this process read them, so the digest misses their windows: start the reader with the analysis, or give the topic a longer retention."));
    }

    var lost = analysers.Sum(a => a.Summary.Lost);
    if (lost > 0)
    {
        problems.Add(string.Create(CultureInfo.InvariantCulture, $"{lost:N0} messages were deleted by the topic's retention before the analysis read them; bound the replay's lead with --max-lag."));
    }

    if (merged.LateReports > 0)
    {
        problems.Add(string.Create(CultureInfo.InvariantCulture, $"{merged.LateReports:N0} {(merged.LateReports == 1 ? "report" : "reports")} came after their window had closed, so the digest is not the exact one: rerun with a larger --disorder (this run: {disorder.TotalSeconds:N0} s; the demo prints the one it allows in its join command)."));
    }

    // The first failure, on one line (with --verbose, its stack trace) after the warnings; it explains incomplete results.
    var failed = instances.Select((t, i) => (Task: t, Who: $"analysis instance {i + 1}")).Append((Task: reading, Who: "the results reader")).FirstOrDefault(x => x.Task.IsFaulted);
    if (!merged.Complete && !stopped && failed.Task is null)
    {
        problems.Add("the results are incomplete: not every partition reached its end-of-stream markers.");
    }

    foreach (var problem in problems)
    {
        Console.Error.WriteLine($"warning: {problem}");
    }

    if (failed.Task?.Exception is { } error)
    {
        var others = instances.Count(t => t.IsFaulted) + (reading.IsFaulted ? 1 : 0) - 1;
        Console.Error.WriteLine($"error: {failed.Who} failed{(others > 0 ? $" (and {others} more)" : "")}: {options.KafkaSettings.Redact(ConsoleApp.Describe(error))}");
        if (options.Verbose)
        {
            Console.Error.WriteLine(options.KafkaSettings.Redact(error.ToString()));
        }
    }

    Console.WriteLine($"results sha256: {merged.Digest}");
    if (stopped)
    {
        return ConsoleApp.Interrupted;
    }

    return problems.Count == 0 && failed.Task is null ? ConsoleApp.Success : ConsoleApp.Failure;
});
