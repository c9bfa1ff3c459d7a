namespace CrimeStreaming;

/// <summary>A crime record as a police officer reports it during the simulation.</summary>
/// <param name="Record">The crime being reported.</param>
/// <param name="ReportTime">The simulated moment of the report (occurrence time plus the simulated delay).</param>
/// <param name="OfficerId">The reporting officer, from 1 to the number of officers.</param>
public sealed record CrimeReport(CrimeRecord Record, DateTimeOffset ReportTime, int OfficerId);
