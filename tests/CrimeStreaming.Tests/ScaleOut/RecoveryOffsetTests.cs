using CrimeStreaming.ScaleOut;

namespace CrimeStreaming.Tests.ScaleOut;

/// <summary>
/// The checkpoint carries where a new owner must start reading (the oldest open pane's first offset), so that the group
/// can commit its read position: what bounds retention is then what was read, not what is still open.
/// </summary>
public sealed class RecoveryOffsetTests
{
    [Fact]
    public void The_checkpoint_names_the_first_offset_of_the_oldest_open_pane_and_a_restored_owner_starts_there()
    {
        var aggregator = new PartitionPaneAggregator(0, TimeSpan.FromHours(2), ScaleOutData.Near);
        var closed = new List<PanePartial>();
        for (var i = 0; i < 10; i++)
        {
            aggregator.Add(ScaleOutData.Report(ScaleOutData.Start.AddMinutes(25 * i), i), offset: 100 + i, closed);
        }

        // Reports 0..9 span 3 h 45 min; the watermark (latest − 2 h) closed the first hour (offsets 100..102).
        closed.Should().ContainSingle().Which.Counts.Total.Should().Be(3);
        var checkpoint = aggregator.Checkpoint();
        checkpoint.RecoveryOffset.Should().Be(103);
        checkpoint.NextOffset.Should().Be(110);
        checkpoint.Counted.Should().Be(3, "only what was published counts; the open panes are re-read");

        var successor = new PartitionPaneAggregator(0, TimeSpan.FromHours(2), ScaleOutData.Near);
        successor.Restore(checkpoint);
        successor.CommitOffset.Should().Be(103, "before reading, the successor's recovery point is the checkpoint's");
        var again = new List<PanePartial>();
        for (var i = 3; i < 10; i++)
        {
            successor.Add(ScaleOutData.Report(ScaleOutData.Start.AddMinutes(25 * i), i), offset: 100 + i, again).Should().BeTrue();
        }

        successor.Counted.Should().Be(10);
        successor.Checkpoint().Should().BeEquivalentTo(checkpoint, "re-reading from the recovery offset rebuilds exactly the state checkpointed");
    }

    [Fact]
    public void Without_an_open_pane_the_recovery_offset_is_the_read_position()
    {
        var aggregator = new PartitionPaneAggregator(0, TimeSpan.Zero, ScaleOutData.Near);
        var closed = new List<PanePartial>();
        aggregator.Add(ScaleOutData.Report(ScaleOutData.Start, 1), 7, closed);
        aggregator.End(closed);

        aggregator.Checkpoint().RecoveryOffset.Should().Be(8);
        new PartitionPaneAggregator(0, TimeSpan.Zero, ScaleOutData.Near).Checkpoint().RecoveryOffset.Should().BeNull("nothing read, nothing restored");
    }
}
