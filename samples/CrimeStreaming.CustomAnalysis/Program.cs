using System.Diagnostics;
using System.Globalization;
using CrimeStreaming;
using CrimeStreaming.Csv;
using CrimeStreaming.CustomAnalysis;
using CrimeStreaming.Demo.Cli;
using CrimeStreaming.Kafka;
using CrimeStreaming.Kafka.Analysis;
using CrimeStreaming.Kafka.Embedded;
using CrimeStreaming.ScaleOut;

// Your own analysis, scaled out: two aggregates written once (CustomAnalyses) run across an analysis group of any
// number of instances, threads or processes, next to the crime snapshot, with one results topic and one state changelog.
// Each analysis ends with its digest, which does not depend on how many instances computed it.
return await ConsoleApp.RunAsync(args.Contains("--verbose"), "stopping the analysis", m => m, async stop =>
{
    var options = CustomAnalysisOptions.Parse(args);
    if (options.Help)
    {
        Console.WriteLine(CustomAnalysisOptions.Usage);
        return ConsoleApp.Success;
    }

    if (options.Join is { } servers)
    {
        // A process this sample started: one more instance of the group, until the group's results are complete.
        var member = new KafkaWindowAnalyser(Analysis(servers));
        await member.RunAsync(stop.Token);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"instance {member.InstanceId} (process {Environment.ProcessId}): {member.Summary}"));
        return ConsoleApp.Success;
    }

    // Checked before anything starts: every analysis against the pane, every aggregate's serialization round-tripped.
    Analysis("127.0.0.1:9092").Validate(); // the servers are the embedded cluster's, known once it runs

    var streamer = new BasicCrimeStreamer(new CsvCrimeRecordSource(options.File), new CrimeStreamerOptions { Seed = options.Seed, AsFastAsPossible = true });
    using var cluster = new EmbeddedKafkaCluster(3);
    var analysis = Analysis(cluster.BootstrapServers);
    cluster.CreateTopic(analysis.Topic, 6);
    cluster.CreateTopic(analysis.ResultsTopic, 1);
    cluster.CreateTopic(analysis.ResultsTopic + "-state", 6);
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Kafka bootstrap servers: {cluster.BootstrapServers}; group {analysis.GroupId}: {options.Instances} instance(s) here, {options.Processes} more process(es)"));
    foreach (var a in CustomAnalyses.ForGroup())
    {
        Console.WriteLine($"  analysis {a}");
    }

    var children = Enumerable.Range(0, options.Processes).Select(_ => StartMember(cluster.BootstrapServers, options.Verbose)).ToList();
    using var killChildren = stop.Token.Register(() => children.ForEach(c => c.Process.Kill(entireProcessTree: true)));
    using var results = new KafkaWindowResults(analysis);
    var busiest = new Dictionary<string, GlobalWindowResult>();
    results.WindowEmitted += w =>
    {
        if (!busiest.TryGetValue(w.Analysis, out var b) || w.Reports > b.Reports)
        {
            busiest[w.Analysis] = w;
        }
    };
    var analysers = Enumerable.Range(0, options.Instances).Select(_ => new KafkaWindowAnalyser(analysis)).ToList();
    var reading = results.RunAsync(stop.Token);
    var instances = analysers.Select(a => a.RunAsync(stop.Token)).ToList();

    using var sink = new KafkaCrimeSink(new KafkaCrimeSinkOptions { BootstrapServers = cluster.BootstrapServers, Topic = analysis.Topic });
    var replay = await streamer.RunAsync(sink, stop.Token);
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"replayed {replay.Emitted:N0} reports into {analysis.Topic}"));

    await Task.WhenAll(instances);
    await reading;
    foreach (var child in children)
    {
        await child.Process.WaitForExitAsync(stop.Token);
        foreach (var line in await child.Output)
        {
            Console.WriteLine("  " + line);
        }

        if (child.Process.ExitCode != 0)
        {
            Console.Error.WriteLine($"error: the member process {child.Process.Id} exited with {child.Process.ExitCode}.");
            return ConsoleApp.Failure;
        }
    }

    for (var i = 0; i < analysers.Count; i++)
    {
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"instance {i + 1}: {analysers[i].Summary}"));
    }

    var summary = results.Summary;
    Console.WriteLine(summary.ToString());
    foreach (var (name, window) in busiest)
    {
        var line = window.ToCanonicalString();
        Console.WriteLine($"busiest {name} window: {(line.Length > 200 ? line[..200] + "…" : line)}");
    }

    if (!summary.Complete || results.LostMessages > 0 || summary.Reports != replay.Emitted)
    {
        Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"error: the results are not exact: {summary.Reports:N0} of {replay.Emitted:N0} reports counted, {results.LostMessages:N0} results messages lost."));
        return ConsoleApp.Failure;
    }

    foreach (var (name, digest) in summary.Digests)
    {
        Console.WriteLine($"{name} sha256: {digest}");
    }

    return ConsoleApp.Success;
});

static KafkaWindowAnalyserOptions Analysis(string bootstrap) => new()
{
    BootstrapServers = bootstrap,
    Topic = "la-crime",
    ResultsTopic = "la-crime-custom-windows",
    GroupId = "crimestreaming-custom-analysis",
    PaneLength = CustomAnalyses.Pane,
    Analyses = [.. CustomAnalyses.ForGroup()],
};

static (Process Process, Task<string[]> Output) StartMember(string bootstrap, bool verbose)
{
    // This very program again: its apphost, or the host running its assembly (dotnet CrimeStreaming.CustomAnalysis.dll).
    var self = Environment.ProcessPath!;
    var start = new ProcessStartInfo(self) { RedirectStandardOutput = true, UseShellExecute = false };
    var viaHost = Path.GetFileNameWithoutExtension(self) == "dotnet";
    foreach (var arg in (string[])[.. viaHost ? [typeof(CustomAnalyses).Assembly.Location] : Array.Empty<string>(), "--join", bootstrap, .. verbose ? ["--verbose"] : Array.Empty<string>()])
    {
        start.ArgumentList.Add(arg);
    }

    var process = Process.Start(start) ?? throw new InvalidOperationException("could not start a member process");
    return (process, Task.Run(async () => (await process.StandardOutput.ReadToEndAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries)));
}
