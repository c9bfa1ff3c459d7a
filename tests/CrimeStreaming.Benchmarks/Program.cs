using System.Reflection;
using BenchmarkDotNet.Running;
using CrimeStreaming.Benchmarks;

// Usage:
//   figures [--quick] [--only a,b] [--out FILE]   side-by-side figures of every IFigureSuite (ours vs peer, one run)
//   bdn [BenchmarkDotNet arguments]               the BenchmarkDotNet micro-benchmarks of this assembly
if (args.Length == 4 && args[0] == CrimeStreaming.Benchmarks.OutOfCore.OutOfCoreFigures.ChildCommand)
{
    return CrimeStreaming.Benchmarks.OutOfCore.OutOfCoreFigures.RunChild(args[1], args[2], args[3]);
}

if (args.Length == 5 && args[0] == CrimeStreaming.Benchmarks.Core.PandasPeerFigures.ChildCommand)
{
    return CrimeStreaming.Benchmarks.Core.PandasPeerFigures.RunChild(args[1], args[2], args[3], args[4]);
}

if (args.Length > 0 && args[0] == "bdn")
{
    BenchmarkSwitcher.FromAssembly(typeof(FigureContext).Assembly).Run(args[1..]);
    return 0;
}

var quick = args.Contains("--quick");
var only = ArgValue("--only")?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
var output = ArgValue("--out");
var suites = typeof(FigureContext).Assembly.GetTypes()
    .Where(t => t is { IsAbstract: false, IsInterface: false } && typeof(IFigureSuite).IsAssignableFrom(t))
    .Select(t => (IFigureSuite)Activator.CreateInstance(t)!)
    .Where(s => only is null || only.Contains(s.Name, StringComparer.OrdinalIgnoreCase))
    .OrderBy(s => s.Name, StringComparer.Ordinal)
    .ToList();
if (suites.Count == 0)
{
    Console.Error.WriteLine("No benchmark suite matched.");
    return 2;
}

Console.WriteLine($"CrimeStreaming figures ({(quick ? "quick smoke run: figures not meaningful" : "full run")}), {Environment.ProcessorCount} cores, .NET {Environment.Version}");
var context = new FigureContext(quick);
var failed = 0;
foreach (var suite in suites)
{
    Console.WriteLine($"== {suite.Name}");
    try
    {
        await suite.RunAsync(context, CancellationToken.None);
    }
    catch (Exception e)
    {
        failed++;
        Console.Error.WriteLine($"suite {suite.Name} failed: {e}");
    }
}

if (output is not null)
{
    await File.WriteAllTextAsync(output, context.ToMarkdown());
}

return failed == 0 ? 0 : 1;

string? ArgValue(string name)
{
    var i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
}
