using CrimeStreaming.ScaleOut;

namespace CrimeStreaming.Kafka.Analysis;

/// <summary>
/// One message of the state topic: the group's settings, and, for a partition's state, its complete
/// <see cref="PartitionSnapshot"/> with the partials closed but not yet confirmed on the results topic (whoever restores
/// the state publishes them again: a partial is never only in the memory of an instance that may die).
/// </summary>
internal sealed record StateRecord(AnalysisSettings Settings, PartitionSnapshot? Snapshot, IReadOnlyList<PanePartial> Unpublished);
