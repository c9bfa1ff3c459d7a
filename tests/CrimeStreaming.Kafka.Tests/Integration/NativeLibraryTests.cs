using System.Diagnostics;
using Confluent.Kafka;
using CrimeStreaming.Kafka.Embedded;
using CrimeStreaming.Kafka.Embedded.Native;
using Xunit.Abstractions;

namespace CrimeStreaming.Kafka.Tests.Integration;

/// <summary>
/// Which librdkafka is loaded, and what the packages change for the whole process. The process-wide facts are observed
/// in a fresh process (CrimeStreaming.Kafka.NativeProbe): the tests of this assembly share one.
/// </summary>
public class NativeLibraryTests(ITestOutputHelper output)
{
    [Fact]
    public async Task The_adapter_alone_sets_no_resolver_and_its_clients_load_Confluents_own_librdkafka()
    {
        // The cluster lives in this process; the probe reaches it over TCP with its own librdkafka, as any client would.
        using var cluster = new EmbeddedKafkaCluster();
        cluster.CreateTopic(KafkaDefaults.Topic, 3);
        var probe = await Probe(cluster.BootstrapServers);

        probe["delivered"].Should().Be("1958", "the sink delivers the sample to a cluster of another process");
        probe["embedded-assembly-loaded"].Should().Be("False", "only the adapter was used");
        probe["confluent-resolver-free"].Should().Be("True", "the adapter must not set a resolver on Confluent.Kafka's assembly");
        probe["librdkafka"].Should().Be(Library.VersionString, "Confluent.Kafka loads its bundled librdkafka on its own");
        BundledFiles(probe).Should().ContainSingle("Confluent.Kafka's own search must find a bundled copy here, not a system one");
    }

    [Fact]
    public async Task The_embedded_cluster_sets_a_resolver_on_its_own_assembly_only_and_shares_the_clients_librdkafka()
    {
        var probe = await Probe("--embedded");

        probe["delivered"].Should().Be("1958");
        probe["embedded-resolver-free"].Should().Be("False", "the embedded package binds its own imports");
        probe["confluent-resolver-free"].Should().Be("True", "which librdkafka the clients use stays Confluent.Kafka's choice");
        BundledFiles(probe).Should().ContainSingle("the cluster's resolver tries Confluent.Kafka's files in Confluent.Kafka's order: one copy for both");
    }

    [Fact]
    public void The_cluster_and_the_clients_of_this_process_run_the_same_librdkafka_version()
    {
        using var cluster = new EmbeddedKafkaCluster(1);
        LibrdkafkaNative.rd_kafka_version().Should().Be(Library.Version);
    }

    [Fact]
    public void A_cluster_handle_keeps_its_host_alive_until_the_cluster_is_destroyed()
    {
        var host = KafkaHandle.CreateProducer([new("log_level", "3")]);
        var cluster = MockClusterHandle.Create(host, 1);

        // Disposed first, the host is not released yet: its rd_kafka_destroy waits for the cluster it hosts.
        host.Dispose();
        host.IsClosed.Should().BeFalse("the cluster still holds its host");
        cluster.CreateTopic("still-up", 1, 1).Should().Be(ErrorCode.NoError, "the cluster still has its host");

        cluster.Dispose(); // destroys the cluster, then its host
        cluster.IsClosed.Should().BeTrue();
        host.IsClosed.Should().BeTrue("the host is destroyed once the cluster is gone");
    }

    [Fact]
    public void A_disposed_cluster_refuses_calls_and_may_be_disposed_again()
    {
        var cluster = new EmbeddedKafkaCluster(1);
        cluster.Dispose();

        cluster.Invoking(c => c.CreateTopic("t", 1, 1)).Should().Throw<ObjectDisposedException>();
        cluster.Invoking(c => c.Dispose()).Should().NotThrow();
    }

    private async Task<Dictionary<string, string>> Probe(string target)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "CrimeStreaming.Kafka.NativeProbe.dll"));
        info.ArgumentList.Add(KafkaTestData.Sample2020);
        info.ArgumentList.Add(target);
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);
        output.WriteLine(await stdout);
        process.ExitCode.Should().Be(0, await stderr);
        return (await stdout).Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => l.Split('=', 2))
            .Where(kv => kv.Length == 2)
            .ToDictionary(kv => kv[0], kv => kv[1].Trim());
    }

    // The librdkafka files the probe mapped, if every one is a copy bundled with Confluent.Kafka (under this app).
    private static IEnumerable<string> BundledFiles(Dictionary<string, string> probe)
    {
        var files = probe["files"].Split(',');
        if (files is ["n/a"])
        {
            return ["n/a"]; // no /proc/self/maps: not observable on this platform
        }

        files.Should().OnlyContain(f => f.StartsWith(AppContext.BaseDirectory, StringComparison.Ordinal), "only copies bundled with the app may be loaded");
        return files;
    }
}
