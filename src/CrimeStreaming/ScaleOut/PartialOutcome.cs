namespace CrimeStreaming.ScaleOut;

/// <summary>What a <see cref="GlobalWindowMerger"/> did with a partial.</summary>
public enum PartialOutcome
{
    /// <summary>Added to its pane.</summary>
    Accepted,

    /// <summary>The same partition's partial for the same pane was already in, with the same counts: dropped.</summary>
    Duplicate,

    /// <summary>
    /// The same partition's partial for the same pane was already in with other counts: dropped, the first kept. An
    /// instance that takes a partition over re-reads from the commit point and can recompute a pane that was closed and
    /// published after that point from part of its reports; the first partial is the complete one.
    /// </summary>
    Conflicting,

    /// <summary>Its pane's windows had already been emitted (e.g. a partition came back from idleness): dropped and counted.</summary>
    Late,

    /// <summary>Its partition is outside the topic the merger was made for: dropped and counted.</summary>
    Foreign,
}
