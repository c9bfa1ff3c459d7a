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
    private readonly LogStartGuard _guard;
    private readonly AnalysisRegistry _analyses;
    private GlobalWindowMerger? _merger;
    private long _foreign;
    private long _messages;

    /// <summary>Creates a reader of the results topic.</summary>
    /// <param name="options">The analysers' options: bootstrap servers, topics, windows; copied and validated.</param>
    /// <param name="logger">Where to log; the default logs nothing.</param>
    /// <exception cref="InvalidOptionsException"><paramref name="options"/> are invalid.</exception>
    public KafkaWindowResults(KafkaWindowAnalyserOptions options, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options = options.Clone();
        options.Validate();
        _options = options;
        _analyses = new AnalysisRegistry(options.AllAnalyses());
        _logger = logger ?? NullLogger.Instance;
        _guard = new LogStartGuard(_logger, _ => { });
    }

    /// <summary>The validated options (a copy: changing the caller's object later has no effect).</summary>
    public KafkaWindowAnalyserOptions Options => _options;

    /// <summary>
    /// Raised for every global window of every analysis (see <see cref="GlobalWindowResult.Analysis"/>), each analysis' in
    /// canonical order (window end, then length), on the reading thread.
    /// </summary>
    public event Action<GlobalWindowResult>? WindowEmitted;

    /// <summary>Messages read from the results topic.</summary>
    public long Messages => Interlocked.Read(ref _messages);

    /// <summary>Messages on the results topic that were not analyser results, skipped.</summary>
    public long ForeignMessages => Interlocked.Read(ref _foreign);

    /// <summary>
    /// Results messages deleted by the results topic's retention before this reader read them (it started, or fell,
    /// behind the topic's log start): the windows they held are missing, so <see cref="Digest"/> is not the exact one.
    /// Give the results topic a retention longer than a run (on a real cluster), or start the reader with the analysis.
    /// </summary>
    public long LostMessages => _guard.Lost;

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

    /// <summary>The SHA-256 (hex) of the crime snapshot's global window results so far, in canonical order.</summary>
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

    /// <summary>Per analysis, the SHA-256 (hex) of its global window results so far, in canonical order.</summary>
    public IReadOnlyDictionary<string, string> Digests => Summary.Digests;

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

    /// <summary>Reads until the results are complete (every partition ended) or <paramref name="cancellationToken"/> fires.</summary>
    /// <exception cref="KafkaException">The input or results topic does not exist, or the results topic has more than one partition.</exception>
    public Task RunAsync(CancellationToken cancellationToken = default) => RunAsync(stopWhenComplete: true, cancellationToken);

    /// <summary>Releases the merger.</summary>
    public void Dispose()
    {
        lock (_gate)
        {
            _merger?.Dispose();
        }
    }

    private Task RunAsync(bool stopWhenComplete, CancellationToken cancellationToken)
    {
        return Task.Factory.StartNew(() => Run(stopWhenComplete, cancellationToken), cancellationToken, TaskCreationOptions.LongRunning, TaskScheduler.Default);
    }

    private void Run(bool stopWhenComplete, CancellationToken cancellationToken)
    {
        // A dedicated thread (LongRunning): named so that top -H, perf and dumps show what it is.
        Thread.CurrentThread.Name = "crime results";
        var partitions = AnalysisTopics.Check(_options, _logger);
        lock (_gate)
        {
            _merger ??= new GlobalWindowMerger(partitions, _analyses.All, _options.PaneLength);
        }

        var outage = new BrokerOutage(_options.BootstrapServers, _options.UnreachableTimeout, TimeProvider.System);
        var config = _options.Apply(new ConsumerConfig
        {
            GroupId = _options.GroupId + "-results",
            EnableAutoCommit = false,
            EnableAutoOffsetStore = false,
            EnablePartitionEof = false,
            AutoOffsetReset = AutoOffsetReset.Earliest,
            FetchWaitMaxMs = 10, // one partition, few messages: a result is seen as soon as it is published, not 500 ms later
        });
        using var runtime = new ConsumerRuntime<byte[]>(config, "results reader", _logger, outage);
        var consumer = runtime.Consumer;
        consumer.Assign(new TopicPartitionOffset(_options.ResultsTopic, 0, Offset.Beginning));
        _guard.Expect(0, 0); // every result counts: a log that no longer starts at 0 lost some (counted at the first read)
        var emitted = new List<GlobalWindowResult>();
        try
        {
            while (!cancellationToken.IsCancellationRequested && !(stopWhenComplete && IsComplete))
            {
                var result = runtime.Poll(TimeSpan.FromMilliseconds(100));
                if (result?.Message is null)
                {
                    continue;
                }

                _guard.Read(consumer, result.TopicPartition, result.Offset.Value);
                Interlocked.Increment(ref _messages);
                var batch = WindowResultsCodec.Decode(result.Message, _analyses, out var reason);
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
            }
        }
        finally
        {
            runtime.Close();
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
