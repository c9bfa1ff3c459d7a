namespace CrimeStreaming.Generation;

/// <summary>Options of <see cref="LapdCsvGenerator"/>.</summary>
public sealed class LapdGeneratorOptions
{
    /// <summary>Data rows to write. The default value is 100,000.</summary>
    public long Rows { get; set; } = 100_000;

    /// <summary>The seed: the same seed and options write the same bytes. The default value is 1.</summary>
    public int Seed { get; set; } = 1;

    /// <summary>The layout. The default value is <see cref="LapdSchema.Lapd2020ToPresent"/>.</summary>
    public LapdSchema Schema { get; set; } = LapdSchema.Lapd2020ToPresent;

    /// <summary>First day crimes occur on. The default value is 2020-01-01.</summary>
    public DateOnly From { get; set; } = new(2020, 1, 1);

    /// <summary>Last day crimes occur on. The default value is 2020-12-31.</summary>
    public DateOnly To { get; set; } = new(2020, 12, 31);

    /// <summary>Checks the options.</summary>
    public void Validate()
    {
        if (Rows < 0)
        {
            throw new ArgumentException($"Rows must not be negative, not {Rows}.", nameof(Rows));
        }

        if (To < From)
        {
            throw new ArgumentException($"To ({To:yyyy-MM-dd}) must not be before From ({From:yyyy-MM-dd}).", nameof(To));
        }

        if (!Enum.IsDefined(Schema))
        {
            throw new ArgumentException($"Unknown schema {Schema}.", nameof(Schema));
        }
    }
}
