namespace CrimeStreaming.Csv;

/// <summary>A crime file's header does not match a schema: required columns are missing.</summary>
public sealed class CrimeSchemaException : Exception
{
    /// <summary>Creates the exception.</summary>
    public CrimeSchemaException(string source, string message)
        : base($"{source}: {message}")
    {
        Source = source;
    }

    /// <summary>The file (or other source name) at fault.</summary>
    public new string Source { get; }
}
