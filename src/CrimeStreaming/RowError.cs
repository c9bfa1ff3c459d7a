namespace CrimeStreaming;

/// <summary>Why one input row could not be turned into a <see cref="CrimeRecord"/>.</summary>
/// <param name="Source">The file (or other source name) the row came from.</param>
/// <param name="Line">The 1-based physical line on which the row starts (the header is line 1); 0 when the record did not come from a line of a file.</param>
/// <param name="Field">The column at fault, or <see langword="null"/> when the row as a whole is malformed.</param>
/// <param name="RawValue">The offending text, cut to 200 characters; <see langword="null"/> when there is none.</param>
/// <param name="Reason">A short, stable reason, e.g. <c>invalid date</c>; the run summary counts rows by it.</param>
/// <param name="Detail">A human-readable explanation.</param>
public sealed record RowError(string Source, long Line, string? Field, string? RawValue, string Reason, string Detail)
{
    private readonly long _endLine;

    /// <summary>The physical line on which the row ends: <see cref="Line"/> for a one-line row, later when a quoted field
    /// spans lines (or an unclosed quote swallowed the lines after it). Lines <see cref="Line"/> to <see cref="EndLine"/>
    /// are all accounted for by this error.</summary>
    /// <remarks>The default value is <see cref="Line"/>.</remarks>
    public long EndLine
    {
        get => Math.Max(_endLine, Line);
        init => _endLine = value;
    }

    /// <inheritdoc/>
    public override string ToString() =>
        $"{Source}:{(EndLine > Line ? $"{Line}-{EndLine}" : Line.ToString(System.Globalization.CultureInfo.InvariantCulture))}: {Reason}" + (Field is null ? string.Empty : $" in field '{Field}'")
        + (RawValue is null ? string.Empty : $" (value '{RawValue}')") + $": {Detail}";
}
