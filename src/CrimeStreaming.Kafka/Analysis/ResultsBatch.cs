using CrimeStreaming.ScaleOut;

namespace CrimeStreaming.Kafka.Analysis;

/// <summary>One results message: the partials an instance closed since its last flush, then its partitions' progress.</summary>
internal sealed record ResultsBatch(IReadOnlyList<PanePartial> Partials, IReadOnlyList<PartitionProgress> Progress);
