using System.Reflection;
using System.Runtime.Loader;

namespace CrimeStreaming.DocSnippets;

/// <summary>Runs a compiled snippet program as its user would: from the repository root, with no arguments.</summary>
/// <remarks>
/// The program runs in this process, in its own collectible load context (the libraries it uses are shared with this
/// process), with the current directory set to the repository root so that paths like
/// <c>samples/data/la-crime-2020-present-sample.csv</c> resolve as they do for a reader in a clone. One snippet runs at
/// a time: the current directory and the console are the process's. A program that throws, returns a non-zero exit
/// code or outlives the timeout fails.
/// </remarks>
public static class SnippetRunner
{
    private static readonly SemaphoreSlim OneAtATime = new(1, 1);

    /// <summary>Runs <paramref name="compilation"/>'s program.</summary>
    /// <param name="compilation">A snippet that compiled and has top-level statements.</param>
    /// <param name="workingDirectory">The current directory while it runs.</param>
    /// <param name="timeout">How long it may run.</param>
    /// <returns>What it wrote to the console (standard output and error, interleaved).</returns>
    /// <exception cref="SnippetFailedException">It threw, returned a non-zero code or timed out; the message names the snippet.</exception>
    public static async Task<string> RunAsync(SnippetCompilation compilation, string workingDirectory, TimeSpan timeout)
    {
        ArgumentNullException.ThrowIfNull(compilation);
        ArgumentException.ThrowIfNullOrEmpty(workingDirectory);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(timeout, TimeSpan.Zero);
        if (!compilation.Succeeded || !compilation.IsProgram)
        {
            throw new ArgumentException($"{compilation.Snippet.Id} is not a compiled program.", nameof(compilation));
        }

        var id = compilation.Snippet.Id;
        await OneAtATime.WaitAsync();
        var context = new AssemblyLoadContext(id, isCollectible: true);
        var output = new StringWriter();
        var (previousOut, previousError, previousDirectory) = (Console.Out, Console.Error, Environment.CurrentDirectory);
        try
        {
            var entryPoint = context.LoadFromStream(new MemoryStream(compilation.Image!)).EntryPoint
                ?? throw new SnippetFailedException($"{id}: the program has no entry point.");
            var synchronizedOutput = TextWriter.Synchronized(output);
            Console.SetOut(synchronizedOutput);
            Console.SetError(synchronizedOutput);
            Environment.CurrentDirectory = workingDirectory;

            // The entry point blocks until the program ends (an async Main is wrapped in a synchronous one).
            var run = Task.Run(() => entryPoint.Invoke(null, entryPoint.GetParameters().Length == 0 ? null : [Array.Empty<string>()]));
            object? exitCode;
            try
            {
                exitCode = await run.WaitAsync(timeout);
            }
            catch (TimeoutException)
            {
                throw new SnippetFailedException($"{id}: still running after {timeout.TotalSeconds:F0} s.\n{output}");
            }
            catch (TargetInvocationException e) when (e.InnerException is not null)
            {
                throw new SnippetFailedException($"{id}: threw {e.InnerException.GetType().Name}: {e.InnerException.Message}\n{output}", e.InnerException);
            }

            if (exitCode is int code && code != 0)
            {
                throw new SnippetFailedException($"{id}: exited with code {code}.\n{output}");
            }

            return output.ToString();
        }
        finally
        {
            Console.SetOut(previousOut);
            Console.SetError(previousError);
            Environment.CurrentDirectory = previousDirectory;
            context.Unload();
            OneAtATime.Release();
        }
    }
}
