namespace CrimeStreaming.Csv;

/// <summary>Why one input row could not be turned into a <see cref="CrimeRecord"/>.</summary>
/// <param name="Source">The file (or other source name) the row came from.</param>
/// <param name="Line">The 1-based physical line on which the row starts (the header is line 1).</param>
/// <param name="Field">The column at fault, or <see langword="null"/> when the row as a whole is malformed.</param>
/// <param name="RawValue">The offending text, cut to 200 characters; <see langword="null"/> when there is none.</param>
/// <param name="Reason">A short, stable reason, e.g. <c>invalid date</c>; the run summary counts rows by it.</param>
/// <param name="Detail">A human-readable explanation.</param>
public sealed record RowError(string Source, long Line, string? Field, string? RawValue, string Reason, string Detail)
{
    /// <inheritdoc/>
    public override string ToString() =>
        $"{Source}:{Line}: {Reason}" + (Field is null ? string.Empty : $" in field '{Field}'")
        + (RawValue is null ? string.Empty : $" (value '{RawValue}')") + $": {Detail}";
}
