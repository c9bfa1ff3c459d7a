namespace CrimeStreaming.Storage;

/// <summary>Options of <see cref="DiskBackedReportStorage"/> (and <see cref="DiskBackedCrimeStreamer"/>). Validated when the storage is built.</summary>
public sealed class DiskBackedOptions
{
    /// <summary>
    /// Memory for buffered reports before they are sorted and spilled to a run file (estimated from the reports' sizes).
    /// The default value is 128 MiB (peak resident memory of a 20M-row run measured at about twice the budget).
    /// </summary>
    public long MemoryBudgetBytes { get; set; } = 128L << 20;

    /// <summary>Where run files are written (in a directory of their own, deleted when the replay is disposed). The default value is <see cref="Path.GetTempPath"/>.</summary>
    public string? TemporaryDirectory { get; set; }

    /// <summary>Checks the options, reporting every invalid property at once.</summary>
    /// <exception cref="InvalidOptionsException">One or more properties are invalid; <see cref="InvalidOptionsException.Errors"/> lists them all.</exception>
    public void Validate()
    {
        var errors = new InvalidOptionsException.Builder(nameof(DiskBackedOptions));
        if (MemoryBudgetBytes < 64 << 10)
        {
            errors.Add(nameof(MemoryBudgetBytes), $"must be at least 64 KiB, not {MemoryBudgetBytes}.");
        }

        if (TemporaryDirectory is not null && !Directory.Exists(TemporaryDirectory))
        {
            errors.Add(nameof(TemporaryDirectory), $"{TemporaryDirectory} does not exist.");
        }

        errors.ThrowIfAny();
    }

    /// <summary>A copy of these options.</summary>
    public DiskBackedOptions Clone() => (DiskBackedOptions)MemberwiseClone();
}
