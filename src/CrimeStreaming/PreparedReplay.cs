namespace CrimeStreaming;

/// <summary>The outcome of preparation (load, filter, simulate, drop before start, partition): ready to replay.</summary>
public sealed class PreparedReplay : IDisposable
{
    internal PreparedReplay(IReadOnlyList<OfficerPartition> officers, DateTimeOffset start, DateTimeOffset? firstReportTime, DateTimeOffset? lastReportTime, StreamingProgress progress)
    {
        Officers = officers;
        Start = start;
        FirstReportTime = firstReportTime;
        LastReportTime = lastReportTime;
        Progress = progress;
    }

    /// <summary>One partition per officer, officer 1 first.</summary>
    /// <remarks>Every officer is listed, also in a shard (<see cref="Shard"/>); the partitions of officers other shards
    /// replay are empty, their reports counted in <see cref="ReportsInOtherShards"/> instead.</remarks>
    public IReadOnlyList<OfficerPartition> Officers { get; }

    /// <summary>The simulated start time of the replay.</summary>
    public DateTimeOffset Start { get; }

    /// <summary>The earliest report time, or <see langword="null"/> when there is nothing to replay.</summary>
    public DateTimeOffset? FirstReportTime { get; }

    /// <summary>The latest report time, or <see langword="null"/> when there is nothing to replay.</summary>
    public DateTimeOffset? LastReportTime { get; }

    /// <summary>The part of the replay this process emits: only the officers it owns are replayed.</summary>
    public ReplayShard Shard => Progress.Shard;

    /// <summary>Reports assigned to officers that other shards replay; 0 unless <see cref="Shard"/> is a part.</summary>
    public long ReportsInOtherShards => Progress.ReportsInOtherShards;

    /// <summary>The run's live counters.</summary>
    public StreamingProgress Progress { get; }

    /// <summary>Total reports to replay in this process (in <see cref="Shard"/>).</summary>
    public long Count => Officers.Sum(o => o.Count);

    /// <summary>Releases the partitions.</summary>
    public void Dispose()
    {
        foreach (var officer in Officers)
        {
            officer.Dispose();
        }
    }
}
