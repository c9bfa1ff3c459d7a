namespace CrimeStreaming.Kafka;

/// <summary>Which partitions have received the end markers of every shard of the replay.</summary>
internal sealed class EndOfStreamTracker
{
    private readonly Dictionary<int, HashSet<int>> _shardsEnded = [];
    private readonly HashSet<int> _ended = [];

    public long Markers { get; private set; }

    /// <summary>Records a marker; returns <see langword="true"/> when it completes its partition.</summary>
    public bool Add(int partition, ReplayShard shard)
    {
        Markers++;
        if (!_shardsEnded.TryGetValue(partition, out var shards))
        {
            shards = [];
            _shardsEnded[partition] = shards;
        }

        return shards.Add(shard.Index) && shards.Count >= shard.Count && _ended.Add(partition);
    }

    public bool IsEnded(int partition) => _ended.Contains(partition);

    /// <summary>Forgets a partition (revoked: whoever gets it re-reads its markers).</summary>
    public void Forget(int partition)
    {
        _shardsEnded.Remove(partition);
        _ended.Remove(partition);
    }
}
