using Confluent.Kafka;
using CrimeStreaming.Demo;

namespace CrimeStreaming.Samples.Tests;

public sealed class KafkaSettingsTests
{
    [Theory]
    [InlineData("sasl.password", true)]
    [InlineData("ssl.key.password", true)]
    [InlineData("sasl.oauthbearer.client.secret", true)]
    [InlineData("sasl.jaas.config", true)]
    [InlineData("sasl.oauthbearer.token.endpoint.url", true)]
    [InlineData("security.protocol", false)]
    [InlineData("sasl.username", false)]
    public void Secret_keys_are_recognised(string key, bool secret) => KafkaSettings.IsSecret(key).Should().Be(secret);

    [Fact]
    public void Secrets_are_never_shown()
    {
        var settings = new KafkaSettings();
        settings.Add("-X", "sasl.username=alice");
        settings.Add("-X", "sasl.password=hunter2!");

        settings.Describe().Should().Be("sasl.username=alice, sasl.password=***");
        settings.Redact("auth failed for alice with hunter2! at broker").Should().Be("auth failed for alice with *** at broker");
    }

    [Fact]
    public void Settings_reach_every_client_but_bootstrap_servers_is_left_to_the_caller()
    {
        var settings = new KafkaSettings();
        settings.Add("-X", "security.protocol=SASL_SSL");
        settings.Add("-X", "bootstrap.servers=elsewhere:9092");
        ClientConfig[] configs = [new ProducerConfig { BootstrapServers = "b:9092" }, new ConsumerConfig { BootstrapServers = "b:9092" }, new AdminClientConfig { BootstrapServers = "b:9092" }];

        foreach (var config in configs)
        {
            settings.ApplyTo(config);
            config.Get("security.protocol").Should().Be("SASL_SSL");
            config.BootstrapServers.Should().Be("b:9092");
        }
    }
}
