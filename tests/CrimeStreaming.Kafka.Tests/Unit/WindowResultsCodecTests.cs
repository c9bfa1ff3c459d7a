using Confluent.Kafka;
using CrimeStreaming.Kafka.Analysis;
using CrimeStreaming.ScaleOut;

namespace CrimeStreaming.Kafka.Tests.Unit;

public class WindowResultsCodecTests
{
    [Fact]
    public void A_batch_of_partials_and_progress_with_its_checkpoint_reads_back_equal()
    {
        var counts = CrimeCounts.FromParts(3, 1, [new("ROBBERY", 2), new("BURGLARY", 1)], [new("Central", 3)]);
        var partial = new PanePartial(4, new DateTimeOffset(2020, 1, 1, 8, 0, 0, TimeSpan.Zero), counts);
        var checkpoint = new PartitionCheckpoint(120, new DateTimeOffset(2020, 1, 1, 9, 0, 0, TimeSpan.Zero), [new DateTimeOffset(2020, 1, 1, 10, 30, 0, TimeSpan.Zero), null], [false, true], 17, 2);
        var progress = new PartitionProgress(4, 6, new DateTimeOffset(2020, 1, 1, 9, 0, 0, TimeSpan.Zero), PartitionState.Idle) { Checkpoint = checkpoint };
        var ended = new PartitionProgress(5, 6, DateTimeOffset.MaxValue, PartitionState.Ended);

        var batch = WindowResultsCodec.Decode(WindowResultsCodec.Encode("instance-1", [partial], [progress, ended]), out var reason);

        reason.Should().BeNull();
        batch!.Partials.Should().ContainSingle().Which.Should().Match<PanePartial>(p => p.Partition == 4 && p.PaneStart == partial.PaneStart && p.Counts.Equals(counts));
        batch.Progress.Should().HaveCount(2);
        batch.Progress[0].Should().BeEquivalentTo(progress);
        batch.Progress[1].Should().BeEquivalentTo(ended);
    }

    [Theory]
    [InlineData(null, "{}", "no crimestreaming-results header (version 1)")]
    [InlineData("2", "{}", "no crimestreaming-results header (version 1)")]
    [InlineData("1", "not json", "not a results message: *")]
    [InlineData("1", "{\"kind\":\"other\"}", "unknown kind")]
    [InlineData("1", "{\"kind\":\"batch\",\"partials\":[{\"partition\":0}],\"progress\":[]}", "not a results message: *")]
    [InlineData("1", "{\"kind\":\"batch\",\"partials\":[{\"partition\":0,\"pane\":\"2020-01-01T00:00:00Z\",\"total\":1,\"near\":2,\"types\":{},\"areas\":{}}],\"progress\":[]}", "not a results message: *")]
    public void Anything_else_is_foreign_with_a_reason(string? version, string value, string expected)
    {
        var message = new Message<byte[], byte[]> { Value = System.Text.Encoding.UTF8.GetBytes(value), Headers = [] };
        if (version is not null)
        {
            message.Headers.Add(WindowResultsCodec.HeaderName, System.Text.Encoding.ASCII.GetBytes(version));
        }

        WindowResultsCodec.Decode(message, out var reason).Should().BeNull();
        reason.Should().Match(expected);
    }
}
