namespace CrimeStreaming.Demo.Cli;

/// <summary>
/// The error discipline of the command-line apps: one <c>error: …</c> line on stderr (the stack trace only with
/// <c>--verbose</c>), exit code 2 for usage errors, 1 for failures, 130 after Ctrl+C or SIGTERM.
/// </summary>
internal static class ConsoleApp
{
    public const int Success = 0;
    public const int Failure = 1;
    public const int UsageError = 2;
    public const int Interrupted = 130;

    /// <summary>Runs <paramref name="body"/> with a stop signal and maps whatever escapes it to one line and an exit code.</summary>
    /// <param name="verbose">Print stack traces.</param>
    /// <param name="stopping">What a graceful stop does, printed when Ctrl+C or SIGTERM arrives.</param>
    /// <param name="redact">Removes secrets from a message before it is printed.</param>
    /// <param name="body">The app; returns its exit code.</param>
    public static async Task<int> RunAsync(bool verbose, string stopping, Func<string, string> redact, Func<StopSignal, Task<int>> body)
    {
        using var stop = new StopSignal(stopping);
        try
        {
            return await body(stop);
        }
        catch (UsageException e)
        {
            await Console.Error.WriteLineAsync($"error: {redact(e.Message)}");
            return UsageError;
        }
        catch (OperationCanceledException) when (stop.IsRequested)
        {
            await Console.Error.WriteLineAsync($"stopped ({stop.Reason}).");
            return Interrupted;
        }
        catch (Exception e)
        {
            await Console.Error.WriteLineAsync($"error: {redact(Describe(e))}");
            if (verbose)
            {
                await Console.Error.WriteLineAsync(redact(e.ToString()));
            }

            return Failure;
        }
    }

    /// <summary>The message of <paramref name="e"/> on one line, with the innermost cause when it adds something.</summary>
    public static string Describe(Exception e)
    {
        var inner = e is AggregateException { InnerExceptions.Count: 1 } a ? a.InnerExceptions[0] : e;
        var message = inner.Message;
        if (inner.InnerException is { } cause && !message.Contains(cause.Message, StringComparison.Ordinal))
        {
            message = $"{message} ({cause.Message})";
        }

        return message.ReplaceLineEndings(" ");
    }
}
