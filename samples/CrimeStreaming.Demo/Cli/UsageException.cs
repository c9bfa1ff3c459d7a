namespace CrimeStreaming.Demo.Cli;

/// <summary>A command line that cannot be run as given: printed as one <c>error: …</c> line, exit code 2.</summary>
internal sealed class UsageException(string message) : Exception(message);
