using System.Diagnostics;
using System.Globalization;

namespace CrimeStreaming.Generate;

/// <summary>
/// The generator's progress on a terminal: one line redrawn in place (at most four times a second) with a bar, the
/// rows written, the rate and the time left; cleared when done. Nothing is drawn when the output is redirected.
/// </summary>
internal sealed class ProgressBar(long total, TextWriter terminal) : IProgress<long>
{
    private readonly Stopwatch _watch = Stopwatch.StartNew();
    private long _lastDraw = -1_000; // milliseconds: the first report draws at once
    private int _drawn;

    public void Report(long value)
    {
        var now = _watch.ElapsedMilliseconds;
        if (value < total && now - _lastDraw < 250)
        {
            return;
        }

        _lastDraw = now;
        var line = Render(value, total, _watch.Elapsed, Math.Max(40, Console.IsOutputRedirected ? 80 : Console.WindowWidth) - 1);
        terminal.Write("\r" + line.PadRight(_drawn));
        _drawn = line.Length;
        terminal.Flush();
    }

    /// <summary>Erases the line, so that what is written next starts clean.</summary>
    public void Clear()
    {
        if (_drawn > 0)
        {
            terminal.Write("\r" + new string(' ', _drawn) + "\r");
            terminal.Flush();
            _drawn = 0;
        }
    }

    /// <summary>The line for <paramref name="done"/> of <paramref name="total"/> rows after <paramref name="elapsed"/>, at most <paramref name="width"/> wide.</summary>
    public static string Render(long done, long total, TimeSpan elapsed, int width)
    {
        var fraction = total <= 0 ? 1 : Math.Clamp((double)done / total, 0, 1);
        var rate = elapsed.TotalSeconds > 0 ? done / elapsed.TotalSeconds : 0;
        var left = rate > 0 && done < total ? TimeSpan.FromSeconds((total - done) / rate) : TimeSpan.Zero;
        var text = string.Create(CultureInfo.InvariantCulture, $" {fraction * 100,3:0}% {done:N0}/{total:N0} rows, {rate:N0} rows/s, {(done < total ? $"{left.TotalSeconds:N0} s left" : "done")}");
        var barWidth = Math.Clamp(width - text.Length - 2, 0, 40);
        var filled = (int)Math.Round(barWidth * fraction);
        var line = barWidth > 0 ? "[" + new string('#', filled) + new string('.', barWidth - filled) + "]" + text : text.TrimStart();
        return line.Length <= width ? line : line[..width];
    }
}
