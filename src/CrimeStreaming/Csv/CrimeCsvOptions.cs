namespace CrimeStreaming.Csv;

/// <summary>Options of <see cref="CrimeCsvReader"/>.</summary>
public sealed class CrimeCsvOptions
{
    /// <summary>The earliest plausible date (<see cref="EarliestDate"/>'s default): 1900-01-01.</summary>
    public static readonly DateOnly DefaultEarliestDate = new(1900, 1, 1);

    /// <summary>The latest plausible date (<see cref="LatestDate"/>'s default): 2100-01-01.</summary>
    public static readonly DateOnly DefaultLatestDate = new(2100, 1, 1);

    /// <summary>What to do with a row that cannot be parsed. The default value is <see cref="RowErrorPolicy.Skip"/>.</summary>
    public RowErrorPolicy OnRowError { get; set; } = RowErrorPolicy.Skip;

    /// <summary>The column mapping, or <see langword="null"/> to detect one of <see cref="CrimeCsvSchema.Known"/> from the header. The default value is <see langword="null"/>.</summary>
    public CrimeCsvSchema? Schema { get; set; }

    /// <summary>
    /// Longest field accepted, in characters, so that a broken file cannot make the reader buffer it whole. The default value is 65,536.
    /// </summary>
    /// <remarks>
    /// <para>A longer field outside quotes makes its row a row error (<c>field too long</c>, naming the lines it spans); the
    /// rest of the row is read through without being kept and reading resumes at the next row.</para>
    /// <para>A longer field inside quotes is usually an unterminated quote swallowing the rest of the file, and the end
    /// of the row cannot be found reliably: reading stops with a fatal error (<see cref="ReadStatistics.FatalError"/>),
    /// naming the lines not read.</para>
    /// <para>A whole row may hold up to four times this many characters (at least 1,048,576), beyond that it is a
    /// <c>row too long</c> error handled the same way. Such a row (countless short fields) is held whole while it is
    /// read; only fields are bounded.</para>
    /// </remarks>
    public int MaxFieldLength { get; set; } = 65_536;

    /// <summary>
    /// The earliest date accepted in a date column (date occurred, date reported). An earlier date is a row error
    /// (<c>date out of range</c>). The default value is <see cref="DefaultEarliestDate"/> (1900-01-01).
    /// </summary>
    /// <remarks>Typos such as year 0020 or 9999 are far outside any crime record; letting them through would make a
    /// replay span centuries (and years near 1 or 9999 cannot be shifted by time zones or delays at all).</remarks>
    public DateOnly EarliestDate { get; set; } = DefaultEarliestDate;

    /// <summary>
    /// The latest date accepted in a date column (date occurred, date reported), inclusive. A later date is a row error
    /// (<c>date out of range</c>). The default value is <see cref="DefaultLatestDate"/> (2100-01-01).
    /// </summary>
    public DateOnly LatestDate { get; set; } = DefaultLatestDate;

    /// <summary>Checks the options.</summary>
    /// <exception cref="InvalidOptionsException">One or more options are invalid; all of them are listed.</exception>
    public void Validate()
    {
        var errors = new InvalidOptionsException.Builder(nameof(CrimeCsvOptions));
        if (MaxFieldLength < 16)
        {
            errors.Add(nameof(MaxFieldLength), $"must be at least 16, not {MaxFieldLength}.");
        }

        if (!Enum.IsDefined(OnRowError))
        {
            errors.Add(nameof(OnRowError), $"unknown row error policy {OnRowError}.");
        }

        if (LatestDate < EarliestDate)
        {
            errors.Add(nameof(LatestDate), $"must not be before EarliestDate ({EarliestDate:yyyy-MM-dd}), not {LatestDate:yyyy-MM-dd}.");
        }

        if (EarliestDate < DateOnly.MinValue.AddDays(2) || LatestDate > DateOnly.MaxValue.AddDays(-2))
        {
            errors.Add(EarliestDate < DateOnly.MinValue.AddDays(2) ? nameof(EarliestDate) : nameof(LatestDate), "must leave two days to the ends of the calendar (0001-01-03 to 9999-12-29), so that time zones and delays can be applied.");
        }

        errors.ThrowIfAny();
    }
}
