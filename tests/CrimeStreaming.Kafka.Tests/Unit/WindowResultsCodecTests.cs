using Confluent.Kafka;
using CrimeStreaming.Aggregation;
using CrimeStreaming.Kafka.Analysis;
using CrimeStreaming.ScaleOut;

namespace CrimeStreaming.Kafka.Tests.Unit;

public class WindowResultsCodecTests
{
    private static readonly AnalysisRegistry Analyses = new([WindowedAnalysis.CrimeSnapshot([1, 6, 12]), WindowedAnalysis.Create("robberies", WindowAggregate.Count<CrimeReport>(), new WindowDefinition(TimeSpan.FromHours(3), TimeSpan.FromMinutes(30)))]);

    [Fact]
    public void A_batch_of_partials_and_progress_with_its_checkpoint_reads_back_equal()
    {
        var counts = CrimeCounts.FromParts(3, 1, [new("ROBBERY", 2), new("BURGLARY", 1)], [new("Central", 3)]);
        var partial = new PanePartial(4, new DateTimeOffset(2020, 1, 1, 8, 0, 0, TimeSpan.Zero), counts);
        var checkpoint = new PartitionCheckpoint(120, new DateTimeOffset(2020, 1, 1, 9, 0, 0, TimeSpan.Zero), [new DateTimeOffset(2020, 1, 1, 10, 30, 0, TimeSpan.Zero), null], [false, true], 17, 2);
        var progress = new PartitionProgress(4, 6, new DateTimeOffset(2020, 1, 1, 9, 0, 0, TimeSpan.Zero), PartitionState.Idle) { Checkpoint = checkpoint };
        var ended = new PartitionProgress(5, 6, DateTimeOffset.MaxValue, PartitionState.Ended);

        var robberies = new PanePartial(4, partial.PaneStart, "robberies", 3, 2L);

        var batch = WindowResultsCodec.Decode(WindowResultsCodec.Encode("instance-1", [partial, robberies], [progress, ended], Analyses), Analyses, out var reason);

        reason.Should().BeNull();
        batch!.Partials.Should().HaveCount(2);
        batch.Partials[0].Should().Match<PanePartial>(p => p.Partition == 4 && p.PaneStart == partial.PaneStart && p.Analysis == WindowedAnalysis.CrimeSnapshotName && p.Reports == 3 && p.Counts.Equals(counts));
        batch.Partials[1].Should().Be(robberies, "a partial of another analysis, its accumulator read by its own aggregate");
        batch.Progress.Should().HaveCount(2);
        batch.Progress[0].Should().BeEquivalentTo(progress);
        batch.Progress[1].Should().BeEquivalentTo(ended);
    }

    [Theory]
    [InlineData(null, "{}", "no crimestreaming-results header (version 2)")]
    [InlineData("1", "{}", "no crimestreaming-results header (version 2)")]
    [InlineData("2", "not json", "not a results message: *")]
    [InlineData("2", "{\"kind\":\"other\"}", "unknown kind")]
    [InlineData("2", "{\"kind\":\"batch\",\"partials\":[{\"partition\":0}],\"progress\":[]}", "not a results message: *")]
    [InlineData("2", "{\"kind\":\"batch\",\"partials\":[{\"partition\":0,\"pane\":\"2020-01-01T00:00:00Z\",\"analysis\":\"crime-snapshot\",\"reports\":1,\"acc\":{\"total\":1,\"near\":2,\"types\":{},\"areas\":{}}}],\"progress\":[]}", "not a results message: *near (2) <= total (1)*")]
    [InlineData("2", "{\"kind\":\"batch\",\"partials\":[{\"partition\":0,\"pane\":\"2020-01-01T00:00:00Z\",\"analysis\":\"robberies\",\"reports\":0,\"acc\":1}],\"progress\":[]}", "not a results message: a partial holds 0 reports")]
    [InlineData("2", "{\"kind\":\"batch\",\"partials\":[{\"partition\":0,\"pane\":\"2020-01-01T00:00:00Z\",\"analysis\":\"robberies\",\"reports\":1,\"acc\":\"x\"}],\"progress\":[]}", "not a results message: *")]
    [InlineData("2", "{\"kind\":\"batch\",\"partials\":[{\"partition\":0,\"pane\":\"2020-01-01T00:00:00Z\",\"analysis\":\"other\",\"reports\":1,\"acc\":1}],\"progress\":[]}", "not a results message: a partial of analysis \"other\", which this group does not run (crime-snapshot, robberies)")]
    public void Anything_else_is_foreign_with_a_reason(string? version, string value, string expected)
    {
        var message = new Message<byte[], byte[]> { Value = System.Text.Encoding.UTF8.GetBytes(value), Headers = [] };
        if (version is not null)
        {
            message.Headers.Add(WindowResultsCodec.HeaderName, System.Text.Encoding.ASCII.GetBytes(version));
        }

        WindowResultsCodec.Decode(message, Analyses, out var reason).Should().BeNull();
        reason.Should().Match(expected);
    }
}
