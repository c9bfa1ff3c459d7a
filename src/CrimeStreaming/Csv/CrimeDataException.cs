namespace CrimeStreaming.Csv;

/// <summary>A row of crime data is malformed and the reader was told to fail on it.</summary>
public sealed class CrimeDataException : Exception
{
    /// <summary>Creates the exception for <paramref name="error"/>.</summary>
    public CrimeDataException(RowError error, Exception? inner = null)
        : base(error.ToString(), inner)
    {
        Error = error;
    }

    /// <summary>The file, line, field, raw value and reason.</summary>
    public RowError Error { get; }
}
