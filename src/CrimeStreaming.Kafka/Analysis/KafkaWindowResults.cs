using Confluent.Kafka;
using CrimeStreaming.ScaleOut;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace CrimeStreaming.Kafka.Analysis;

/// <summary>
/// Reads the results topic that <see cref="KafkaWindowAnalyser"/> instances publish to, from its beginning, and merges
/// the partials into global windows (<see cref="GlobalWindowMerger"/>): the same results whatever the number of
/// instances, the way partitions were spread over them, or how often they were rebalanced.
/// </summary>
/// <remarks>
/// <para>Messages that are not results of this format are skipped and counted (<see cref="ForeignMessages"/>); partials
/// and progress for another partition count are counted by the merger as foreign.</para>
/// <para>Thread-safe to observe: the counters and <see cref="Digest"/> may be read while <see cref="RunAsync(CancellationToken)"/> runs.</para>
/// </remarks>
public sealed class KafkaWindowResults : IDisposable
{
    private readonly KafkaWindowAnalyserOptions _options;
    private readonly ILogger _logger;
    private readonly object _gate = new();
    private readonly bool _followOnly;
    private readonly int? _partitionCount;
    private GlobalWindowMerger? _merger;
    private long _position;
    private long _foreign;
    private long _messages;

    /// <summary>Creates a reader of the results topic.</summary>
    /// <param name="options">The analysers' options: bootstrap servers, topics, windows; copied and validated.</param>
    /// <param name="logger">Where to log; the default logs nothing.</param>
    /// <exception cref="InvalidOptionsException"><paramref name="options"/> are invalid.</exception>
    public KafkaWindowResults(KafkaWindowAnalyserOptions options, ILogger? logger = null)
        : this(options, logger, followOnly: false, partitionCount: null)
    {
    }

    /// <summary>
    /// With <paramref name="followOnly"/>, only progress and checkpoints are kept (what an analysis instance needs to take
    /// partitions over and to know when the results are complete); partials are not merged and no window is emitted.
    /// A known <paramref name="partitionCount"/> (the instance checked the topics already) saves checking them again.
    /// </summary>
    internal KafkaWindowResults(KafkaWindowAnalyserOptions options, ILogger? logger, bool followOnly, int? partitionCount)
    {
        ArgumentNullException.ThrowIfNull(options);
        options = options.Clone();
        options.Validate();
        _options = options;
        _logger = logger ?? NullLogger.Instance;
        _followOnly = followOnly;
        _partitionCount = partitionCount;
    }

    /// <summary>The validated options (a copy: changing the caller's object later has no effect).</summary>
    public KafkaWindowAnalyserOptions Options => _options;

    /// <summary>Raised for every global window, in canonical order (window end, then length), on the reading thread.</summary>
    public event Action<GlobalWindowResult>? WindowEmitted;

    /// <summary>Messages read from the results topic.</summary>
    public long Messages => Interlocked.Read(ref _messages);

    /// <summary>Messages on the results topic that were not analyser results, skipped.</summary>
    public long ForeignMessages => Interlocked.Read(ref _foreign);

    /// <summary>Whether every partition of the input topic has ended and every window has been emitted.</summary>
    public bool IsComplete
    {
        get
        {
            lock (_gate)
            {
                return _merger?.IsComplete ?? false;
            }
        }
    }

    /// <summary>The SHA-256 (hex) of every global window result so far, in canonical order.</summary>
    public string Digest
    {
        get
        {
            lock (_gate)
            {
                return _merger?.Digest ?? string.Empty;
            }
        }
    }

    /// <summary>What the merger has received and emitted so far.</summary>
    public MergeSummary Summary
    {
        get
        {
            lock (_gate)
            {
                return _merger?.Summary ?? new MergeSummary();
            }
        }
    }

    /// <summary>The next offset of the results topic to read.</summary>
    internal long Position => Interlocked.Read(ref _position);

    /// <summary>Reads until the results are complete (every partition ended) or <paramref name="cancellationToken"/> fires.</summary>
    /// <exception cref="KafkaException">The input or results topic does not exist, or the results topic has more than one partition.</exception>
    public Task RunAsync(CancellationToken cancellationToken = default) => RunAsync(stopWhenComplete: true, cancellationToken);

    /// <summary>The last checkpoint published for an input partition.</summary>
    internal PartitionCheckpoint? LatestCheckpoint(int partition)
    {
        lock (_gate)
        {
            return _merger?.LatestCheckpoint(partition);
        }
    }

    internal PartitionState? StateOf(int partition)
    {
        lock (_gate)
        {
            return _merger?.StateOf(partition);
        }
    }

    internal Task RunAsync(bool stopWhenComplete, CancellationToken cancellationToken)
    {
        return Task.Factory.StartNew(() => Run(stopWhenComplete, cancellationToken), cancellationToken, TaskCreationOptions.LongRunning, TaskScheduler.Default);
    }

    /// <summary>Waits until everything on the results topic now has been read (a new partition owner restores from it).</summary>
    internal bool WaitUntilCaughtUp(TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var consumer = new ConsumerBuilder<Ignore, Ignore>(_options.Apply(new ConsumerConfig { GroupId = _options.GroupId + "-watermarks" })).Build();
        var high = consumer.QueryWatermarkOffsets(new TopicPartition(_options.ResultsTopic, 0), TimeSpan.FromSeconds(10)).High.Value;
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (Position < high)
        {
            if (clock.Elapsed > timeout || cancellationToken.IsCancellationRequested)
            {
                return false;
            }

            Thread.Sleep(5);
        }

        return true;
    }

    /// <summary>Releases the merger.</summary>
    public void Dispose()
    {
        lock (_gate)
        {
            _merger?.Dispose();
        }
    }

    private void Run(bool stopWhenComplete, CancellationToken cancellationToken)
    {
        var partitions = _partitionCount ?? AnalysisTopics.Check(_options, _logger);
        lock (_gate)
        {
            _merger ??= new GlobalWindowMerger(partitions, _options.WindowHours, _options.Top);
        }

        var outage = new BrokerOutage(_options, TimeProvider.System);
        var config = _options.Apply(new ConsumerConfig
        {
            GroupId = _options.GroupId + "-results",
            EnableAutoCommit = false,
            EnableAutoOffsetStore = false,
            EnablePartitionEof = false,
            AutoOffsetReset = AutoOffsetReset.Earliest,
        });
        using var consumer = new ConsumerBuilder<byte[], byte[]>(config)
            .SetLogHandler((_, m) => KafkaLog.Message(_logger, m))
            .SetErrorHandler((_, e) =>
            {
                outage.OnError(e);
                KafkaLog.Error(_logger, "results reader", e);
            })
            .Build();
        consumer.Assign(new TopicPartitionOffset(_options.ResultsTopic, 0, Offset.Beginning));
        var emitted = new List<GlobalWindowResult>();
        try
        {
            while (!cancellationToken.IsCancellationRequested && !(stopWhenComplete && IsComplete))
            {
                ConsumeResult<byte[], byte[]>? result;
                try
                {
                    result = consumer.Consume(TimeSpan.FromMilliseconds(100));
                }
                catch (ConsumeException e) when (!e.Error.IsFatal)
                {
                    _logger.LogWarning("Results consume error {Code}: {Reason}", e.Error.Code, e.Error.Reason);
                    continue;
                }

                if (result?.Message is null)
                {
                    outage.Check(consumer);
                    continue;
                }

                outage.OnAlive();

                Interlocked.Increment(ref _messages);
                var batch = WindowResultsCodec.Decode(result.Message, out var reason, withPartials: !_followOnly);
                if (batch is null)
                {
                    Interlocked.Increment(ref _foreign);
                    _logger.LogWarning("Skipped results message at offset {Offset}: {Reason}", result.Offset.Value, reason);
                }
                else
                {
                    emitted.Clear();
                    lock (_gate)
                    {
                        foreach (var partial in batch.Partials)
                        {
                            _merger.Add(partial);
                        }

                        foreach (var progress in batch.Progress)
                        {
                            emitted.AddRange(_merger.Add(progress));
                        }
                    }

                    foreach (var window in emitted)
                    {
                        Raise(window);
                    }
                }

                Interlocked.Exchange(ref _position, result.Offset.Value + 1);
            }
        }
        finally
        {
            consumer.Close();
        }
    }

    private void Raise(GlobalWindowResult window)
    {
        try
        {
            WindowEmitted?.Invoke(window);
        }
        catch (Exception e)
        {
            _logger.LogError(e, "A WindowEmitted handler threw.");
        }
    }
}
