using System.Text;

namespace CrimeStreaming.Kafka;

/// <summary>A topic's partitions, leaders, replicas and in-sync replicas.</summary>
/// <param name="Name">The topic.</param>
/// <param name="Partitions">The partitions, by id.</param>
public sealed record TopicDescription(string Name, IReadOnlyList<PartitionDescription> Partitions)
{
    /// <summary>Number of partitions.</summary>
    public int PartitionCount => Partitions.Count;

    /// <summary>Replicas per partition (the smallest, should they differ).</summary>
    public int ReplicationFactor => Partitions.Count == 0 ? 0 : Partitions.Min(p => p.Replicas.Count);

    /// <summary>The description in the form of <c>kafka-topics --describe</c>.</summary>
    public override string ToString()
    {
        var s = new StringBuilder();
        s.Append(System.Globalization.CultureInfo.InvariantCulture, $"Topic:{Name} PartitionCount:{PartitionCount} ReplicationFactor:{ReplicationFactor}");
        foreach (var p in Partitions)
        {
            s.AppendLine();
            s.Append(System.Globalization.CultureInfo.InvariantCulture, $"\tTopic: {Name}\tPartition: {p.Id}\tLeader: {p.Leader}\tReplicas: {string.Join(",", p.Replicas)}\tIsr: {string.Join(",", p.InSyncReplicas)}");
        }

        return s.ToString();
    }
}

/// <summary>One partition of a topic.</summary>
/// <param name="Id">The partition id.</param>
/// <param name="Leader">The leader broker id.</param>
/// <param name="Replicas">The replica broker ids.</param>
/// <param name="InSyncReplicas">The in-sync replica broker ids.</param>
public sealed record PartitionDescription(int Id, int Leader, IReadOnlyList<int> Replicas, IReadOnlyList<int> InSyncReplicas);
