using System.Diagnostics;
using System.Text;

namespace CrimeStreaming.Samples.Tests;

/// <summary>Runs a sample app (built next to the tests) as a process and captures its exit code and output.</summary>
internal sealed class SampleProcess : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _out = new();
    private readonly StringBuilder _err = new();

    private SampleProcess(string app, IEnumerable<string> args)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, app + ".dll"));
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        _process = new Process { StartInfo = info };
        _process.OutputDataReceived += (_, e) => Append(_out, e.Data);
        _process.ErrorDataReceived += (_, e) => Append(_err, e.Data);
        _process.Start();
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public string Stdout
    {
        get
        {
            lock (_out)
            {
                return _out.ToString();
            }
        }
    }

    public string Stderr
    {
        get
        {
            lock (_err)
            {
                return _err.ToString();
            }
        }
    }

    public int ExitCode => _process.ExitCode;

    public bool HasExited => _process.HasExited;

    public static SampleProcess Demo(params string[] args) => new("CrimeStreaming.Demo", args);

    public static SampleProcess Generate(params string[] args) => new("CrimeStreaming.Generate", args);

    public static SampleProcess Analyser(params string[] args) => new("CrimeStreaming.Analyser", args);

    public static SampleProcess CustomStreamer(params string[] args) => new("CrimeStreaming.CustomStreamer", args);

    public static SampleProcess InMemory(params string[] args) => new("CrimeStreaming.InMemory", args);

    public static SampleProcess CustomAnalysis(params string[] args) => new("CrimeStreaming.CustomAnalysis", args);

    /// <summary>Waits for the exit; fails the test if it takes longer than <paramref name="timeout"/>.</summary>
    public async Task<SampleProcess> ExitAsync(TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(60));
        try
        {
            await _process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            _process.Kill(entireProcessTree: true);
            throw new TimeoutException($"the app did not exit within {timeout}; stdout: {Stdout} stderr: {Stderr}");
        }

        _process.WaitForExit(); // drains the output readers
        return this;
    }

    /// <summary>Waits until stdout contains <paramref name="text"/>.</summary>
    public async Task WaitForOutputAsync(string text, TimeSpan timeout)
    {
        var watch = Stopwatch.StartNew();
        while (!Stdout.Contains(text, StringComparison.Ordinal))
        {
            if (watch.Elapsed > timeout || _process.HasExited)
            {
                throw new TimeoutException($"'{text}' did not appear; stdout: {Stdout} stderr: {Stderr}");
            }

            await Task.Delay(20);
        }
    }

    /// <summary>The digest on the last line of stdout (<c>results sha256: HEX</c>), which every run of the demo and the analyser ends with.</summary>
    public string Digest()
    {
        var lines = Stdout.TrimEnd().Split('\n');
        lines[^1].Should().StartWith("results sha256: ", "the summary ends with the digest line; stdout: {0} stderr: {1}", Stdout, Stderr);
        return lines[^1]["results sha256: ".Length..].Trim();
    }

    /// <summary>
    /// The arguments of the join command the demo printed (<c>Another process joins with: dotnet run … -- ARGS</c>), to
    /// start <see cref="Analyser"/> with exactly them. The demo prints only words that need no shell quoting here.
    /// </summary>
    public string[] JoinArguments()
    {
        const string prefix = "Another process joins with: dotnet run -c Release --project samples/CrimeStreaming.Analyser -- ";
        var line = Stdout.Split('\n').Select(l => l.TrimEnd('\r')).FirstOrDefault(l => l.StartsWith(prefix, StringComparison.Ordinal));
        line.Should().NotBeNull("the demo prints the command that joins its group; stdout: {0}", Stdout);
        return line![prefix.Length..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
    }

    /// <summary>Ends the app at once (SIGKILL), as a crash would: nothing more is flushed, published or committed.</summary>
    public void Kill() => _process.Kill(entireProcessTree: true);

    /// <summary>Sends a POSIX signal (INT, TERM) to the app.</summary>
    public void Signal(string name)
    {
        using var kill = Process.Start("kill", ["-" + name, _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        kill.WaitForExit();
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        _process.Dispose();
    }

    private static void Append(StringBuilder to, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (to)
        {
            to.AppendLine(line);
        }
    }
}
