namespace CrimeStreaming.DocSnippets;

/// <summary>A documentation snippet failed when run.</summary>
public sealed class SnippetFailedException : Exception
{
    /// <summary>Creates the exception.</summary>
    public SnippetFailedException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with the snippet's own exception.</summary>
    public SnippetFailedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
