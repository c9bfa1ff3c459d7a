using CrimeStreaming.Storage;

namespace CrimeStreaming.Tests.Storage;

public class StableOrderTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(1_000)]
    [InlineData(50_000)]
    public void Orders_like_a_stable_comparison_sort(int n)
    {
        var random = new Random(n);
        // Report-time-like keys: a few years of ticks at minute resolution, so that equal keys are common.
        var start = new DateTime(2020, 1, 1).Ticks;
        var keys = Enumerable.Range(0, n).Select(_ => start + (random.Next(0, 3 * 365 * 24 * 60) * TimeSpan.TicksPerMinute)).ToArray();
        var expected = Enumerable.Range(0, n).OrderBy(i => keys[i]).ToArray(); // LINQ's OrderBy is stable

        StableOrder.ByKey(keys).Should().Equal(expected);
    }

    [Fact]
    public void Equal_keys_keep_their_input_order()
    {
        StableOrder.ByKey([5, 5, 5, 5]).Should().Equal(0, 1, 2, 3);
        StableOrder.ByKey([7, 3, 7, 3, 7]).Should().Equal(1, 3, 0, 2, 4);
    }

    [Fact]
    public void Keys_that_differ_only_in_their_highest_or_lowest_bits_are_ordered()
    {
        long[] keys = [long.MaxValue, long.MinValue, 0, -1, 1, long.MaxValue - 1, long.MinValue + 1, 1L << 62, 3L << 55];
        var expected = Enumerable.Range(0, keys.Length).OrderBy(i => keys[i]).ToArray();

        StableOrder.ByKey(keys).Should().Equal(expected);
    }

    [Fact]
    public void Keys_are_ordered_by_their_distance_from_the_smallest()
    {
        // Only the range's digits are sorted on: keys must be taken from the smallest key, not around zero.
        StableOrder.ByKey([1000, -1000, 0]).Should().Equal(1, 2, 0);
        StableOrder.ByKey([3, 2050]).Should().Equal(0, 1);
        StableOrder.ByKey([2050, 3]).Should().Equal(1, 0);
    }

    [Fact]
    public void Leaves_the_keys_unchanged()
    {
        long[] keys = [3, 1, 2];

        StableOrder.ByKey(keys);

        keys.Should().Equal(3, 1, 2);
    }
}
