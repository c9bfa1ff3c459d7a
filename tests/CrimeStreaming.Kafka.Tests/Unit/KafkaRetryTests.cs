using Confluent.Kafka;
using Microsoft.Extensions.Logging.Abstractions;

namespace CrimeStreaming.Kafka.Tests.Unit;

public class KafkaRetryTests
{
    [Theory]
    [InlineData(ErrorCode.Local_DestroyBroker)]
    [InlineData(ErrorCode.Local_Transport)]
    [InlineData(ErrorCode.Local_AllBrokersDown)]
    [InlineData(ErrorCode.NotCoordinatorForGroup)]
    [InlineData(ErrorCode.LeaderNotAvailable)]
    public void A_transient_error_is_asked_again_until_the_cluster_answers(ErrorCode code)
    {
        var calls = 0;
        var answer = KafkaRetry.Run(() => ++calls < 3 ? throw new KafkaException(code) : 42, "Asking", TimeSpan.FromSeconds(30), NullLogger.Instance);

        answer.Should().Be(42);
        calls.Should().Be(3);
    }

    [Theory]
    [InlineData(ErrorCode.UnknownTopicOrPart)]
    [InlineData(ErrorCode.TopicAuthorizationFailed)]
    [InlineData(ErrorCode.InvalidPartitions)]
    public void Any_other_error_fails_at_once(ErrorCode code)
    {
        var calls = 0;
        var ask = () => KafkaRetry.Run<int>(() => { calls++; throw new KafkaException(code); }, "Asking", TimeSpan.FromSeconds(30), NullLogger.Instance);

        ask.Should().Throw<KafkaException>().Which.Error.Code.Should().Be(code);
        calls.Should().Be(1);
    }

    [Fact]
    public void A_lasting_outage_fails_with_the_last_error_once_the_patience_is_spent()
    {
        var calls = 0;
        var ask = () => KafkaRetry.Run<int>(() => { calls++; throw new KafkaException(ErrorCode.Local_AllBrokersDown); }, "Asking", TimeSpan.FromSeconds(1), NullLogger.Instance);

        ask.Should().Throw<KafkaException>().Which.Error.Code.Should().Be(ErrorCode.Local_AllBrokersDown);
        calls.Should().BeInRange(2, 4, "asked at once, then after pauses of 100, 200, 400 ms while they end within the second (fewer on a busy machine)");
    }

    [Fact]
    public void Cancellation_stops_the_waiting()
    {
        using var stop = new CancellationTokenSource();
        stop.Cancel();
        var ask = () => KafkaRetry.Run<int>(() => throw new KafkaException(ErrorCode.Local_Transport), "Asking", TimeSpan.FromMinutes(1), NullLogger.Instance, stop.Token);

        ask.Should().Throw<OperationCanceledException>();
    }
}
