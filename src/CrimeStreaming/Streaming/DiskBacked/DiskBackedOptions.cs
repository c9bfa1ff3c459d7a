namespace CrimeStreaming;

/// <summary>Options of <see cref="DiskBackedCrimeStreamer"/>. Validated when the streamer is built.</summary>
public sealed class DiskBackedOptions
{
    /// <summary>
    /// Memory for buffered reports before they are sorted and spilled to a run file (estimated from the reports' sizes).
    /// The default value is 128 MiB (peak resident memory of a 20M-row run measured at about twice the budget).
    /// </summary>
    public long MemoryBudgetBytes { get; set; } = 128L << 20;

    /// <summary>Where run files are written (in a directory of their own, deleted when the replay is disposed). The default value is <see cref="Path.GetTempPath"/>.</summary>
    public string? TemporaryDirectory { get; set; }

    /// <summary>Checks the options.</summary>
    public void Validate()
    {
        if (MemoryBudgetBytes < 64 << 10)
        {
            throw new ArgumentException($"MemoryBudgetBytes must be at least 64 KiB, not {MemoryBudgetBytes}.", nameof(MemoryBudgetBytes));
        }

        if (TemporaryDirectory is not null && !Directory.Exists(TemporaryDirectory))
        {
            throw new ArgumentException($"TemporaryDirectory {TemporaryDirectory} does not exist.", nameof(TemporaryDirectory));
        }
    }

    internal DiskBackedOptions Clone() => (DiskBackedOptions)MemberwiseClone();
}
