using CrimeStreaming.Csv;

namespace CrimeStreaming.Generation;

/// <summary>Options of <see cref="LapdCsvGenerator"/>. Copied and validated (<see cref="Validate"/>) when a file is written.</summary>
public sealed class LapdGeneratorOptions
{
    /// <summary>Data rows to write. The default value is 100,000.</summary>
    public long Rows { get; set; } = 100_000;

    /// <summary>The seed: the same seed and options write the same bytes. The default value is 1.</summary>
    public int Seed { get; set; } = 1;

    /// <summary>The layout: one of the built-in LAPD schemas the reader knows (<see cref="CrimeCsvSchema.Known"/>). The default value is <see cref="CrimeCsvSchema.Lapd2020ToPresent"/>.</summary>
    public CrimeCsvSchema Schema { get; set; } = CrimeCsvSchema.Lapd2020ToPresent;

    /// <summary>First day crimes occur on. The default value is 2020-01-01.</summary>
    public DateOnly From { get; set; } = new(2020, 1, 1);

    /// <summary>Last day crimes occur on. The default value is 2020-12-31.</summary>
    public DateOnly To { get; set; } = new(2020, 12, 31);

    /// <summary>
    /// Told how many rows are written so far: every 65,536 rows, and once with <see cref="Rows"/> when the last is
    /// written (on the writing thread: keep it quick). The default value is <see langword="null"/> (no reports).
    /// </summary>
    public IProgress<long>? Progress { get; set; }

    /// <summary>Checks every option.</summary>
    /// <exception cref="InvalidOptionsException">One or more options are invalid; all of them are listed, each with its name.</exception>
    public void Validate()
    {
        var errors = new InvalidOptionsException.Builder(nameof(LapdGeneratorOptions));
        if (Rows < 0)
        {
            errors.Add(nameof(Rows), $"must not be negative, not {Rows}.");
        }

        if (Schema is null || !CrimeCsvSchema.Known.Contains(Schema))
        {
            errors.Add(nameof(Schema), $"must be one of the built-in LAPD layouts ({string.Join(", ", CrimeCsvSchema.Known.Select(k => k.Name))}), not {Schema?.Name ?? "null"}.");
        }

        if (To < From)
        {
            errors.Add(nameof(To), $"must not be before From ({From:yyyy-MM-dd}), not {To:yyyy-MM-dd}.");
        }

        errors.ThrowIfAny();
    }

    /// <summary>A copy of these options.</summary>
    public LapdGeneratorOptions Clone() => (LapdGeneratorOptions)MemberwiseClone();
}
