namespace CrimeStreaming.Csv;

/// <summary>Options of <see cref="CrimeCsvReader"/>.</summary>
public sealed class CrimeCsvOptions
{
    /// <summary>What to do with a row that cannot be parsed. The default value is <see cref="RowErrorPolicy.Skip"/>.</summary>
    public RowErrorPolicy OnRowError { get; set; } = RowErrorPolicy.Skip;

    /// <summary>The column mapping, or <see langword="null"/> to detect one of <see cref="CrimeCsvSchema.Known"/> from the header. The default value is <see langword="null"/>.</summary>
    public CrimeCsvSchema? Schema { get; set; }

    /// <summary>
    /// Longest field accepted, in characters. A longer one (typically an unterminated quote swallowing the rest of the
    /// file) stops the reader with a recorded error instead of buffering the file in memory. The default value is 65,536.
    /// </summary>
    public int MaxFieldLength { get; set; } = 65_536;

    /// <summary>Checks the options.</summary>
    public void Validate()
    {
        if (MaxFieldLength < 16)
        {
            throw new ArgumentException($"MaxFieldLength must be at least 16, not {MaxFieldLength}.", nameof(MaxFieldLength));
        }

        if (!Enum.IsDefined(OnRowError))
        {
            throw new ArgumentException($"Unknown row error policy {OnRowError}.", nameof(OnRowError));
        }
    }
}
