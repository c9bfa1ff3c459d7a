namespace CrimeStreaming.Tests;

/// <summary>Reading ahead on another thread changes nothing a consumer can see: order, failures, early exit, cancellation.</summary>
public sealed class ReadAheadTests
{
    [Theory]
    [InlineData(0, 7, 2)]
    [InlineData(1, 7, 2)]
    [InlineData(1000, 7, 2)]
    [InlineData(1000, 1, 1)]
    [InlineData(4096, 1024, 4)]
    public void Items_arrive_in_order_whatever_the_batch_size_and_depth(int count, int batchSize, int depth)
    {
        var items = ReadAhead.Iterate(Enumerable.Range(0, count), batchSize, depth, CancellationToken.None).ToList();

        items.Should().Equal(Enumerable.Range(0, count));
    }

    [Fact]
    public void A_failure_of_the_source_arrives_as_itself_after_the_items_before_it()
    {
        var received = new List<int>();

        var act = () =>
        {
            foreach (var item in ReadAhead.Iterate(Failing(25), batchSize: 4, depth: 2, CancellationToken.None))
            {
                received.Add(item);
            }
        };

        act.Should().Throw<InvalidDataException>().WithMessage("row 25 is broken");
        received.Should().Equal(Enumerable.Range(0, 25));

        static IEnumerable<int> Failing(int at)
        {
            for (var i = 0; ; i++)
            {
                if (i == at)
                {
                    throw new InvalidDataException($"row {at} is broken");
                }

                yield return i;
            }
        }
    }

    [Fact]
    public void Stopping_early_stops_the_reader_and_disposes_the_source_before_returning()
    {
        var source = new EndlessSource();

        using (var e = ReadAhead.Iterate(source, batchSize: 8, depth: 2, CancellationToken.None).GetEnumerator())
        {
            for (var i = 0; i < 100; i++)
            {
                e.MoveNext().Should().BeTrue();
                e.Current.Should().Be(i);
            }
        }

        source.Disposed.Should().BeTrue("the reader thread disposed the source's enumerator before the consumer's Dispose returned");
        source.Produced.Should().BeLessThanOrEqualTo(100 + (8 * 4), "the reader stays at most a few batches ahead");
    }

    [Fact]
    public void Cancellation_stops_both_sides_with_an_OperationCanceledException()
    {
        using var cancel = new CancellationTokenSource();
        var source = new EndlessSource();
        var seen = 0;

        var act = () =>
        {
            foreach (var _ in ReadAhead.Iterate(source, batchSize: 8, depth: 2, cancel.Token))
            {
                if (++seen == 50)
                {
                    cancel.Cancel();
                }
            }
        };

        act.Should().Throw<OperationCanceledException>();
        source.Disposed.Should().BeTrue();
    }

    /// <summary>Counts what it produced and whether its enumerator was disposed.</summary>
    private sealed class EndlessSource : IEnumerable<int>
    {
        private int _produced;

        public int Produced => Volatile.Read(ref _produced);

        public bool Disposed { get; private set; }

        public IEnumerator<int> GetEnumerator()
        {
            try
            {
                for (var i = 0; ; i++)
                {
                    Interlocked.Increment(ref _produced);
                    yield return i;
                }
            }
            finally
            {
                Disposed = true;
            }
        }

        System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
    }
}
