using System.Globalization;

namespace CrimeStreaming;

/// <summary>Writes one line per report to a <see cref="TextWriter"/> (the console in samples), thread-safely.</summary>
public sealed class TextWriterCrimeSink : ICrimeReportSink
{
    private readonly TextWriter _writer;
    private readonly Func<CrimeReport, string> _format;
    private readonly object _gate = new();

    /// <summary>Creates the sink.</summary>
    /// <param name="writer">Where lines go. Not disposed by the sink.</param>
    /// <param name="format">Formats a report as one line. The default is <see cref="FormatLine"/>.</param>
    public TextWriterCrimeSink(TextWriter writer, Func<CrimeReport, string>? format = null)
    {
        ArgumentNullException.ThrowIfNull(writer);
        _writer = writer;
        _format = format ?? FormatLine;
    }

    /// <summary>The default line: report time, officer, DR number, area and crime description.</summary>
    public static string FormatLine(CrimeReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var r = report.Record;
        return string.Create(CultureInfo.InvariantCulture, $"{report.ReportTime:yyyy-MM-dd HH:mm zzz}  officer {report.OfficerId,3}  DR {r.DrNumber}  {r.AreaName,-12}  {r.CrimeDescription}");
    }

    /// <inheritdoc/>
    public ValueTask WriteAsync(CrimeReport report, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(report);
        var line = _format(report);
        lock (_gate)
        {
            _writer.WriteLine(line);
        }

        return ValueTask.CompletedTask;
    }

    /// <inheritdoc/>
    public ValueTask CompleteAsync(Exception? error, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            _writer.Flush();
        }

        return ValueTask.CompletedTask;
    }
}
