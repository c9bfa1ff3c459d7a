using System.Collections.Concurrent;
using System.Globalization;
using System.Reactive;
using CrimeStreaming.Kafka.Embedded;
using Xunit.Abstractions;

namespace CrimeStreaming.Kafka.Tests.Integration;

/// <summary>
/// Disposing a <see cref="KafkaCrimeSource.ToObservable"/> subscription loses no report: each report is either given to
/// the observer (and then committed) or read again by the group's next consumer.
/// </summary>
public class ObservableDisposalTests(ITestOutputHelper output)
{
    private const int FirstDrNumber = 300_000_000;

    // The embedded cluster holds a group's next join for the session timeout less 1 s once its member has left:
    // 1.1 s keeps a new subscription's join at about 0.1 s.
    private static readonly TimeSpan SessionTimeout = TimeSpan.FromMilliseconds(1_100);

    [Fact]
    public async Task Subscriptions_disposed_from_another_thread_while_reports_flow_lose_no_report()
    {
        const int reports = 30_000;
        const int rounds = 200;
        const int maxPerRound = 100; // the rounds take about rounds × maxPerRound / 2 reports: a third of them
        using var cluster = new EmbeddedKafkaCluster();
        cluster.CreateTopic(KafkaDefaults.Topic, 6, 3);
        await Produce(cluster, reports);

        var seen = new int[reports]; // times each report reached an observer, by DR number
        var errors = new ConcurrentBag<Exception>();
        var source = Source(cluster, "disposed");
        var random = new Random(20_241_201);
        var inRounds = 0L;
        for (var round = 0; round < rounds; round++)
        {
            var target = random.Next(1, maxPerRound + 1);
            var count = 0;
            var disposing = false;
            using var reached = new ManualResetEventSlim();
            var subscription = source.ToObservable().Subscribe(Observer.Create<ConsumedCrimeReport>(
                report =>
                {
                    Interlocked.Increment(ref seen[Index(report)]);
                    var n = Interlocked.Increment(ref count);
                    if (n == target)
                    {
                        reached.Set();
                    }

                    if (n >= target)
                    {
                        // Hold the flow until the disposing thread runs, so that a round takes about its target, not
                        // whatever arrives while that thread wakes up; reports flow again while it disposes.
                        SpinWait.SpinUntil(() => Volatile.Read(ref disposing));
                    }
                },
                errors.Add));

            // Another thread disposes once the target is reached, while the consumer thread keeps delivering. The
            // next round's consumer joins the group while this one commits and leaves.
            var inTime = await Task.Run(() =>
            {
                var reachedInTime = reached.Wait(TimeSpan.FromSeconds(30));
                Volatile.Write(ref disposing, true);
                subscription.Dispose();
                return reachedInTime;
            });
            inTime.Should().BeTrue($"round {round} should receive its {target} reports");
            inRounds += Volatile.Read(ref count);
        }

        var (rest, _) = await KafkaTestData.ReadToEnd(cluster.BootstrapServers, "disposed");
        foreach (var report in rest)
        {
            seen[Index(report)]++;
        }

        var lost = seen.Count(n => n == 0);
        var duplicates = seen.Sum(n => Math.Max(0, n - 1));
        output.WriteLine($"{rounds} subscriptions received {inRounds} reports, the last read {rest.Count}: {lost} lost, {duplicates} duplicates");
        errors.Should().BeEmpty();
        lost.Should().Be(0, "a report is either delivered before its subscription is disposed or read again by the next consumer");
    }

    [Fact]
    public async Task A_subscription_disposed_from_its_own_OnNext_counts_that_report_as_delivered()
    {
        using var cluster = new EmbeddedKafkaCluster();
        cluster.CreateTopic(KafkaDefaults.Topic, 1, 3);
        await Produce(cluster, 50);

        var received = new List<long>();
        var subscribed = new TaskCompletionSource<IDisposable>(TaskCreationOptions.RunContinuationsAsynchronously);
        var subscription = Source(cluster, "self").Subscribe(Observer.Create<ConsumedCrimeReport>(report =>
        {
            received.Add(report.Offset);
            if (received.Count == 5)
            {
                subscribed.Task.Result.Dispose(); // the lock is re-entrant: no deadlock
            }
        }));
        subscribed.SetResult(subscription);
        await ((KafkaReportSubscription)subscription).Stopped.WaitAsync(TimeSpan.FromSeconds(30));

        received.Should().Equal(0, 1, 2, 3, 4);
        var (rest, _) = await KafkaTestData.ReadToEnd(cluster.BootstrapServers, "self");
        rest.Select(r => r.Offset).Should().Equal(Enumerable.Range(5, 45).Select(i => (long)i), "the report that disposed was delivered, so committed");
    }

    [Fact]
    public async Task An_observer_that_throws_hears_nothing_more_and_its_report_is_read_again()
    {
        using var cluster = new EmbeddedKafkaCluster();
        cluster.CreateTopic(KafkaDefaults.Topic, 1, 3);
        await Produce(cluster, 50);

        var received = new List<long>();
        var ends = new List<string>();
        var subscription = Source(cluster, "throws").Subscribe(Observer.Create<ConsumedCrimeReport>(
            report =>
            {
                received.Add(report.Offset);
                if (received.Count == 5)
                {
                    throw new InvalidOperationException("a faulty observer");
                }
            },
            e => ends.Add(e.Message),
            () => ends.Add("completed")));
        await ((KafkaReportSubscription)subscription).Stopped.WaitAsync(TimeSpan.FromSeconds(30));

        received.Should().Equal(0, 1, 2, 3, 4);
        ends.Should().BeEmpty("the observer that failed is not called again");
        var (rest, _) = await KafkaTestData.ReadToEnd(cluster.BootstrapServers, "throws");
        rest.Select(r => r.Offset).Should().Equal(Enumerable.Range(4, 46).Select(i => (long)i), "the report OnNext threw on was not processed");
    }

    private static KafkaCrimeSource Source(EmbeddedKafkaCluster cluster, string group) =>
        new(new KafkaCrimeSourceOptions { BootstrapServers = cluster.BootstrapServers, GroupId = group, SessionTimeout = SessionTimeout });

    private static int Index(ConsumedCrimeReport report) => int.Parse(report.Report.Record.DrNumber, CultureInfo.InvariantCulture) - FirstDrNumber;

    /// <summary>Small reports with unique DR numbers, keyed by 32 officers so that they spread over the partitions.</summary>
    private static async Task Produce(EmbeddedKafkaCluster cluster, int count)
    {
        var start = new DateTimeOffset(2024, 1, 1, 0, 0, 0, TimeSpan.FromHours(-8));
        using var sink = new KafkaCrimeSink(new KafkaCrimeSinkOptions { BootstrapServers = cluster.BootstrapServers, WriteEndOfStream = false });
        for (var i = 0; i < count; i++)
        {
            var record = new CrimeRecord
            {
                DrNumber = (FirstDrNumber + i).ToString(CultureInfo.InvariantCulture),
                DateOccurred = new DateOnly(2024, 1, 1),
                TimeOccurred = new TimeOnly(0, 0),
                AreaId = "01",
                AreaName = "Central",
                CrimeCode = "624",
            };
            await sink.WriteAsync(new CrimeReport(record, start.AddSeconds(i), 1 + (i % 32)), CancellationToken.None);
        }

        await sink.CompleteAsync(null, CancellationToken.None);
        sink.Summary.Delivered.Should().Be(count);
    }
}
