using CrimeStreaming.Kafka;

namespace CrimeStreaming.Kafka.Tests;

public class KafkaDefaultsTests
{
    [Fact]
    public void Defaults_are_the_original_setup()
    {
        KafkaDefaults.Topic.Should().Be("la-crime");
        KafkaDefaults.ReplicationFactor.Should().Be(3);
    }
}
