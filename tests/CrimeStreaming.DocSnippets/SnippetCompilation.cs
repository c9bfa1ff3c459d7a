namespace CrimeStreaming.DocSnippets;

/// <summary>The outcome of compiling one snippet.</summary>
/// <param name="Snippet">The snippet.</param>
/// <param name="IsProgram">True when the snippet has top-level statements (it can run); false for declarations only.</param>
/// <param name="Image">The compiled assembly; null when it did not compile.</param>
/// <param name="Errors">The errors, each naming the Markdown file, line and column; empty when it compiled.</param>
public sealed record SnippetCompilation(CodeSnippet Snippet, bool IsProgram, byte[]? Image, IReadOnlyList<string> Errors)
{
    /// <summary>True when the snippet compiled without errors or warnings.</summary>
    public bool Succeeded => Image is not null && Errors.Count == 0;
}
