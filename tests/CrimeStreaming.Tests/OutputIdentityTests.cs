using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using CrimeStreaming.Csv;
using CrimeStreaming.Storage;

namespace CrimeStreaming.Tests;

/// <summary>
/// Same seed, same input → byte-identical output, pinned across changes to the streamer's internals: every field of
/// every report in emission order (with report time and officer) plus the summary, over both real samples, in memory
/// and disk-backed (spilling), whole and sharded. The digests were taken before the stages became hooks and storage a
/// strategy; a change that alters them changes what users replay.
/// </summary>
public sealed class OutputIdentityTests
{
    public static TheoryData<string, string, string> Runs => new()
    {
        { "2020", "basic", "82f332f948de909e1713046f2c2ea244fb6460169b37eb2d9e8f82c0b80b1678" },
        { "2020", "disk", "82f332f948de909e1713046f2c2ea244fb6460169b37eb2d9e8f82c0b80b1678" },
        { "2020", "basic-shard", "a7028fbd4bd1d6db6d72a409d36dade3934a37a0f4168a84584a706f644bb413" },
        { "2010", "basic", "cc3a75dbeeb7cd2b58e9b5c973d2c5856e66b1e313a9af7f30a83a62dddb6e02" },
        { "2010", "disk", "cc3a75dbeeb7cd2b58e9b5c973d2c5856e66b1e313a9af7f30a83a62dddb6e02" },
        { "2010", "disk-shard", "8aa9391ddf11aa6f98f5092b632475570f8ef7e07ed32b21b4a1c0aad385059c" },
    };

    [Theory]
    [MemberData(nameof(Runs))]
    public async Task Output_is_byte_identical_to_the_pinned_digest(string sample, string streamer, string expected)
    {
        var digest = await DigestAsync(sample == "2020" ? TestData.Sample2020 : TestData.Sample2010, streamer);

        digest.Should().Be(expected);
    }

    private static async Task<string> DigestAsync(string path, string kind)
    {
        var options = new CrimeStreamerOptions
        {
            Seed = 20261201,
            Officers = 7,
            AsFastAsPossible = true,
            Shard = kind.EndsWith("-shard", StringComparison.Ordinal) ? new ReplayShard(2, 3) : ReplayShard.Whole,
        };
        var source = new CsvCrimeRecordSource(path);
        CrimeStreamer streamer = kind.StartsWith("disk", StringComparison.Ordinal)
            ? new DiskBackedCrimeStreamer(source, options, new DiskBackedOptions { MemoryBudgetBytes = 64 * 1024 })
            : new BasicCrimeStreamer(source, options);
        var sink = new RecordingSink();
        var summary = await streamer.RunAsync(sink);

        var text = new StringBuilder();
        foreach (var (report, _) in sink.Written)
        {
            text.Append(CultureInfo.InvariantCulture, $"{report.ReportTime:o}|{report.OfficerId}|{report.Record}\n");
        }

        text.Append(summary.ToString().Replace(path, "input", StringComparison.Ordinal));
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())));
    }
}
