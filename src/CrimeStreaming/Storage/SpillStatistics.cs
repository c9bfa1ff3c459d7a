namespace CrimeStreaming.Storage;

/// <summary>What a <see cref="DiskBackedCrimeStreamer"/> preparation wrote to disk.</summary>
/// <param name="Directory">The run files' directory (deleted when the prepared replay is disposed).</param>
/// <param name="Runs">Sorted runs written, over all officers.</param>
/// <param name="Bytes">Bytes written.</param>
/// <param name="Reports">Reports written to runs (the rest stayed in memory).</param>
public sealed record SpillStatistics(string Directory, int Runs, long Bytes, long Reports);
