using Confluent.Kafka;
using Microsoft.Extensions.Logging;

namespace CrimeStreaming.Kafka;

/// <summary>
/// Measures a consumer group's lag on a topic in the background and tells the sink how many messages it may have
/// produced before it must wait (see <see cref="ConsumerLagLimit"/>). The hot path is one read and one comparison.
/// </summary>
/// <remarks>
/// The k producers of a sharded replay share the limit: each keeps its own uncommitted messages in every partition
/// within a k-th of it, counted exactly from its own delivery reports, so that together they stay within the limit
/// although each sees the others' messages only at the next read of the cluster's end offsets.
/// </remarks>
internal sealed class ConsumerLagGate : IDisposable
{
    private readonly ConsumerLagLimit _limit;
    private readonly long _share;
    private readonly bool _sharing;
    private readonly object _ownGate = new();
    private readonly Dictionary<int, Queue<long>> _own = []; // per partition: offsets of this producer's messages not yet behind the group's position
    private readonly string _topic;
    private readonly ILogger _logger;
    private readonly Func<long> _completed;
    private readonly IConsumer<Ignore, Ignore> _monitor;
    private readonly CancellationTokenSource _stop = new();
    private readonly AutoResetEvent _wake = new(false);
    private int _waiters;
    private readonly Task _loop;
    private long _threshold;
    private long _maxLag;
    private long[]? _delivered;

    // Other producers' messages (shards) and the log start are read from the cluster this often; own deliveries always count.
    private static readonly TimeSpan WatermarkQueryInterval = TimeSpan.FromMilliseconds(250);
    private TaskCompletionSource _measured = new(TaskCreationOptions.RunContinuationsAsynchronously);

    // producers: how many producers share the limit (the shards of a replay), each with a share of it.
    public ConsumerLagGate(ConsumerLagLimit limit, ConsumerConfig config, string topic, ILogger logger, Func<long> completed, int producers)
    {
        _limit = limit;
        _sharing = producers > 1;
        _share = _sharing ? Math.Max(1, limit.MaxMessagesPerPartition / producers) : limit.MaxMessagesPerPartition;
        _topic = topic;
        _logger = logger;
        _completed = completed;
        _threshold = _share;
        config.GroupId = limit.GroupId;
        config.EnableAutoCommit = false;
        // Only reads the group's commits: it never subscribes, so it never joins the group.
        _monitor = new ConsumerBuilder<Ignore, Ignore>(config)
            .SetLogHandler((_, m) => KafkaLog.Message(logger, m))
            .SetErrorHandler((_, e) => KafkaLog.Error(logger, "lag monitor", e))
            .Build();
        _loop = Task.Factory.StartNew(Measure, TaskCreationOptions.LongRunning);
    }

    /// <summary>The greatest lag measured on a partition.</summary>
    public long MaxLag => Interlocked.Read(ref _maxLag);

    /// <summary>Whether one more message may be produced after <paramref name="produced"/>.</summary>
    public bool IsOpen(long produced) => produced < Volatile.Read(ref _threshold);

    /// <summary>Waits until the gate is open for the message after <paramref name="produced"/>.</summary>
    public async ValueTask WaitAsync(Func<long> produced, CancellationToken cancellationToken)
    {
        if (IsOpen(produced()))
        {
            return;
        }

        // A waiter is measured for at once and then every WaitingPollInterval, not at the next PollInterval.
        Interlocked.Increment(ref _waiters);
        _wake.Set();
        try
        {
            while (!IsOpen(produced()))
            {
                var measured = Volatile.Read(ref _measured).Task;
                await measured.WaitAsync(cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            Interlocked.Decrement(ref _waiters);
        }
    }

    public void Dispose()
    {
        _stop.Cancel();
        try
        {
            _loop.Wait();
        }
        catch (AggregateException)
        {
            // The loop logs its own failures.
        }

        _monitor.Dispose();
        _stop.Dispose();
        _wake.Dispose();
    }

    /// <summary>
    /// Notes a delivered message's offset: the end offsets of the partitions this sink writes to are known from its own
    /// delivery reports, so most measurements need only the group's committed offsets (one request, not one per partition).
    /// </summary>
    public void Delivered(int partition, long offset)
    {
        if (_sharing)
        {
            lock (_ownGate)
            {
                if (!_own.TryGetValue(partition, out var own))
                {
                    own = new Queue<long>();
                    _own[partition] = own;
                }

                own.Enqueue(offset);
            }
        }

        var highs = Volatile.Read(ref _delivered);
        if (highs is null || partition < 0 || partition >= highs.Length)
        {
            return;
        }

        var next = offset + 1;
        long seen;
        while ((seen = Volatile.Read(ref highs[partition])) < next && Interlocked.CompareExchange(ref highs[partition], next, seen) != seen)
        {
        }
    }

    private void Measure()
    {
        // A dedicated thread (LongRunning): named so that top -H, perf and dumps show what it is.
        Thread.CurrentThread.Name = "crime lag gate";
        List<TopicPartition>? partitions = null;
        WatermarkOffsets[]? queried = null;
        var lastQuery = long.MinValue;
        while (!_stop.IsCancellationRequested)
        {
            try
            {
                if (partitions is null && (partitions = Partitions()) is not null)
                {
                    Volatile.Write(ref _delivered, new long[partitions[^1].Partition.Value + 1]);
                }

                if (partitions is not null)
                {
                    // Messages delivered before the end offsets are read are counted in them; later ones are not.
                    var completedBefore = _completed();
                    var highs = Volatile.Read(ref _delivered)!;
                    if (queried is null || System.Diagnostics.Stopwatch.GetElapsedTime(lastQuery) >= WatermarkQueryInterval)
                    {
                        // Now and then the log's own ends: its start (retention) and messages of other producers (shards).
                        queried = partitions.Select(tp => _monitor.QueryWatermarkOffsets(tp, TimeSpan.FromSeconds(5))).ToArray();
                        lastQuery = System.Diagnostics.Stopwatch.GetTimestamp();
                    }

                    var committed = _monitor.Committed(partitions, TimeSpan.FromSeconds(5));
                    long maxLag = 0;
                    long maxOwn = 0;
                    for (var i = 0; i < partitions.Count; i++)
                    {
                        var partition = partitions[i].Partition.Value;
                        var high = Math.Max(queried[i].High.Value, Volatile.Read(ref highs[partition]));
                        var commit = committed.FirstOrDefault(c => c.Partition == partitions[i].Partition)?.Offset ?? Offset.Unset;
                        var from = commit.IsSpecial ? queried[i].Low.Value : Math.Max(commit.Value, queried[i].Low.Value);
                        maxLag = Math.Max(maxLag, high - from);
                        maxOwn = _sharing ? Math.Max(maxOwn, OwnFrom(partition, from)) : 0;
                    }

                    if (_sharing)
                    {
                        ForgetUnmeasuredPartitions(highs.Length);
                    }

                    // Within the limit counting every producer's messages (those of others as last read from the cluster),
                    // and within this producer's share counting its own exactly: the shares add up to the limit.
                    Volatile.Write(ref _threshold, completedBefore + Math.Min(_limit.MaxMessagesPerPartition - maxLag, _share - maxOwn));
                    if (maxLag > Interlocked.Read(ref _maxLag))
                    {
                        Interlocked.Exchange(ref _maxLag, maxLag);
                    }

                    Interlocked.Exchange(ref _measured, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).SetResult();
                }
            }
            catch (KafkaException e)
            {
                _logger.LogWarning("Measuring the lag of group {Group} failed: {Reason}", _limit.GroupId, e.Error.Reason);
            }

            var interval = Volatile.Read(ref _waiters) > 0 ? _limit.WaitingPollInterval : _limit.PollInterval;
            WaitHandle.WaitAny([_stop.Token.WaitHandle, _wake], interval);
        }
    }

    /// <summary>This producer's delivered messages in <paramref name="partition"/> at or after <paramref name="from"/>; forgets those before.</summary>
    private long OwnFrom(int partition, long from)
    {
        lock (_ownGate)
        {
            if (!_own.TryGetValue(partition, out var own))
            {
                return 0;
            }

            // A partition's delivery reports come in offset order; an offset behind the group's position stays behind it.
            while (own.Count > 0 && own.Peek() < from)
            {
                own.Dequeue();
            }

            return own.Count;
        }
    }

    /// <summary>Forgets own offsets in partitions added to the topic after the gate started: they are not measured.</summary>
    private void ForgetUnmeasuredPartitions(int partitionCount)
    {
        lock (_ownGate)
        {
            foreach (var partition in _own.Keys.Where(p => p >= partitionCount).ToList())
            {
                _own.Remove(partition);
            }
        }
    }

    private List<TopicPartition>? Partitions()
    {
        using var admin = new DependentAdminClientBuilder(_monitor.Handle).Build();
        var topic = admin.GetMetadata(_topic, TimeSpan.FromSeconds(5)).Topics.FirstOrDefault(t => t.Topic == _topic);
        return topic is null || topic.Error.IsError || topic.Partitions.Count == 0
            ? null
            : topic.Partitions.Select(p => new TopicPartition(_topic, p.PartitionId)).OrderBy(tp => tp.Partition.Value).ToList();
    }
}
