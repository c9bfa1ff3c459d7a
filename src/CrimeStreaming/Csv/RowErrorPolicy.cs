namespace CrimeStreaming.Csv;

/// <summary>What a reader does with a row it cannot parse.</summary>
public enum RowErrorPolicy
{
    /// <summary>Skip the row, and count and record why (<see cref="ReadStatistics"/>).</summary>
    Skip,

    /// <summary>Throw a <see cref="CrimeDataException"/> that names the file, line, field and value.</summary>
    Throw,
}
