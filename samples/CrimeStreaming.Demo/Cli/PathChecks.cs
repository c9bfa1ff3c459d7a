namespace CrimeStreaming.Demo.Cli;

/// <summary>Checks paths named on the command line before any work starts.</summary>
internal static class PathChecks
{
    /// <summary>An existing, readable file.</summary>
    public static void InputFile(string option, string path)
    {
        if (Directory.Exists(path))
        {
            throw new UsageException($"{option}: {path} is a directory, not a file.");
        }

        if (!File.Exists(path))
        {
            throw new UsageException($"{option}: {path} does not exist.");
        }

        try
        {
            using var _ = File.OpenRead(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new UsageException($"{option}: {path} cannot be read ({e.Message}).");
        }
    }

    /// <summary>A file that can be created or replaced: its directory exists and accepts a new file.</summary>
    public static void OutputFile(string option, string path)
    {
        if (string.IsNullOrWhiteSpace(path))
        {
            throw new UsageException($"{option} needs a file name.");
        }

        if (Directory.Exists(path) || path.EndsWith(Path.DirectorySeparatorChar) || path.EndsWith(Path.AltDirectorySeparatorChar))
        {
            throw new UsageException($"{option}: {path} is a directory; give a file name.");
        }

        var directory = Path.GetDirectoryName(Path.GetFullPath(path))!;
        if (!Directory.Exists(directory))
        {
            throw new UsageException($"{option}: the directory {directory} does not exist.");
        }

        // Probe with a file of our own: permissions, read-only mounts and ACLs all answer the same way.
        var probe = Path.Combine(directory, $".write-test-{Environment.ProcessId}-{Guid.NewGuid():N}");
        try
        {
            using (File.Create(probe, 1, FileOptions.DeleteOnClose))
            {
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            var why = e is UnauthorizedAccessException ? "permission denied" : e.Message.Replace(probe, directory, StringComparison.Ordinal);
            throw new UsageException($"{option}: cannot create files in {directory} ({why}).");
        }

        if (File.Exists(path) && (File.GetAttributes(path) & FileAttributes.ReadOnly) != 0)
        {
            throw new UsageException($"{option}: {path} is read-only.");
        }
    }
}
