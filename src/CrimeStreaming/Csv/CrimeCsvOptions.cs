namespace CrimeStreaming.Csv;

/// <summary>Options of <see cref="CrimeCsvReader"/> and <see cref="CsvCrimeRecordSource"/>, which copy and validate them (<see cref="Validate"/>).</summary>
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

    /// <summary>Checks every option.</summary>
    /// <exception cref="InvalidOptionsException">One or more options are invalid; all of them are listed, each with its name.</exception>
    public void Validate()
    {
        var errors = new InvalidOptionsException.Builder(nameof(CrimeCsvOptions));
        if (!Enum.IsDefined(OnRowError))
        {
            errors.Add(nameof(OnRowError), $"must be a known row error policy ({string.Join(", ", Enum.GetNames<RowErrorPolicy>())}), not {OnRowError}.");
        }

        if (MaxFieldLength < 16)
        {
            errors.Add(nameof(MaxFieldLength), $"must be at least 16, not {MaxFieldLength}.");
        }

        if (EarliestDate < MinDate)
        {
            errors.Add(nameof(EarliestDate), $"must be on or after {MinDate:yyyy-MM-dd} (two days from the start of the calendar, so that time zones and delays can be applied), not {EarliestDate:yyyy-MM-dd}.");
        }

        if (LatestDate < EarliestDate)
        {
            errors.Add(nameof(LatestDate), $"must not be before EarliestDate ({EarliestDate:yyyy-MM-dd}), not {LatestDate:yyyy-MM-dd}.");
        }
        else if (LatestDate > MaxDate)
        {
            errors.Add(nameof(LatestDate), $"must be on or before {MaxDate:yyyy-MM-dd} (two days from the end of the calendar, so that time zones and delays can be applied), not {LatestDate:yyyy-MM-dd}.");
        }

        errors.ThrowIfAny();
    }

    /// <summary>A copy of these options (<see cref="Schema"/> is immutable and shared).</summary>
    public CrimeCsvOptions Clone() => (CrimeCsvOptions)MemberwiseClone();

    private static DateOnly MinDate => DateOnly.MinValue.AddDays(2);

    private static DateOnly MaxDate => DateOnly.MaxValue.AddDays(-2);
}
