namespace CrimeStreaming.Kafka.Analysis;

/// <summary>
/// An analysis instance was given other settings than those its group analyses with: it stops before it reads anything,
/// since its partials would not add up with the others'.
/// </summary>
public sealed class GroupSettingsException : InvalidOperationException
{
    /// <summary>Creates the exception for <paramref name="groupId"/>.</summary>
    public GroupSettingsException(string groupId, AnalysisSettings group, AnalysisSettings member)
        : base(Describe(groupId, group, member))
    {
        GroupId = groupId;
        Group = group;
        Member = member;
    }

    /// <summary>The consumer group.</summary>
    public string GroupId { get; }

    /// <summary>The settings the group analyses with.</summary>
    public AnalysisSettings Group { get; }

    /// <summary>The settings this member was given.</summary>
    public AnalysisSettings Member { get; }

    private static string Describe(string groupId, AnalysisSettings group, AnalysisSettings member)
    {
        ArgumentNullException.ThrowIfNull(group);
        ArgumentNullException.ThrowIfNull(member);
        return $"group {groupId} analyses with other settings than this member: {string.Join("; ", member.DifferencesFrom(group))} (give the group's, or let the member adopt them)";
    }
}
