using System.Collections.Concurrent;
using System.Runtime.ExceptionServices;

namespace CrimeStreaming;

/// <summary>
/// Enumerates a sequence on a thread of its own, a few batches ahead of its consumer, in the same order: reading and
/// parsing the input (most of preparation) then runs on one core while the later stages run on another.
/// </summary>
/// <remarks>
/// <para>Order, and so every seeded result, is unchanged: one producer, one consumer, batches handed over in order. An
/// exception of the source reaches the consumer as itself, after the items before it. Stopping the consumer early
/// (disposing the enumerator, or cancellation) stops the producer and disposes the source's enumerator on its thread.</para>
/// <para>Memory stays bounded: at most <c>depth</c> batches of <c>batchSize</c> items wait.</para>
/// </remarks>
internal static class ReadAhead
{
    /// <summary>The items of <paramref name="source"/>, read ahead on another thread when the machine has more than one core.</summary>
    public static IEnumerable<T> Of<T>(IEnumerable<T> source, CancellationToken cancellationToken, int batchSize = 256, int depth = 2) =>
        Environment.ProcessorCount > 1 ? Iterate(source, batchSize, depth, cancellationToken) : source;

    /// <summary>The items of <paramref name="source"/>, read ahead on another thread.</summary>
    internal static IEnumerable<T> Iterate<T>(IEnumerable<T> source, int batchSize, int depth, CancellationToken cancellationToken)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        using var queue = new BlockingCollection<T[]>(depth);
        ExceptionDispatchInfo? failure = null;
        var producer = new Thread(() =>
        {
            var batch = new List<T>(batchSize);
            try
            {
                foreach (var item in source)
                {
                    batch.Add(item);
                    if (batch.Count == batchSize)
                    {
                        queue.Add(batch.ToArray(), stop.Token);
                        batch.Clear();
                    }
                }

                if (batch.Count > 0)
                {
                    queue.Add(batch.ToArray(), stop.Token);
                }
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                // The consumer stopped (or was cancelled): nothing more to hand over.
            }
            catch (Exception e)
            {
                // The items read before the failure still reach the consumer, then the failure itself.
                failure = ExceptionDispatchInfo.Capture(e);
                if (batch.Count > 0 && !stop.IsCancellationRequested)
                {
                    try
                    {
                        queue.Add(batch.ToArray(), stop.Token);
                    }
                    catch (OperationCanceledException)
                    {
                        // The consumer stopped meanwhile.
                    }
                }
            }
            finally
            {
                queue.CompleteAdding();
            }
        })
        {
            IsBackground = true,
            Name = "CrimeStreaming read-ahead",
        };
        producer.Start();
        try
        {
            foreach (var batch in queue.GetConsumingEnumerable(cancellationToken))
            {
                foreach (var item in batch)
                {
                    yield return item;
                }
            }

            producer.Join();
            failure?.Throw();
        }
        finally
        {
            // Early exit or failure: stop the producer and wait until it has disposed the source's enumerator.
            stop.Cancel();
            producer.Join();
        }
    }
}
