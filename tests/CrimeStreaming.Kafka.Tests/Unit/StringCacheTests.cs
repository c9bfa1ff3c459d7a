using System.Text;
using CrimeStreaming.Shared;

namespace CrimeStreaming.Kafka.Tests.Unit;

/// <summary>The cache behind the low-cardinality fields of the JSON codec: it must never return a string for other bytes.</summary>
public sealed class StringCacheTests
{
    [Fact]
    public void The_same_bytes_give_back_the_same_instance_and_other_bytes_nothing()
    {
        var cache = new StringCache();
        var value = "BATTERY - SIMPLE ASSAULT";
        cache.TryAdd(Encoding.UTF8.GetBytes(value), value).Should().BeTrue();

        cache.TryGet(Encoding.UTF8.GetBytes(value), out var found).Should().BeTrue("the key is the bytes, not the array");
        found.Should().BeSameAs(value);
        cache.TryGet("BATTERY - SIMPLE ASSAULU"u8, out _).Should().BeFalse("same length, last byte differs");
        cache.TryGet("BATTERY - SIMPLE ASSAUL"u8, out _).Should().BeFalse("a prefix");
        cache.TryGet("BATTERY - SIMPLE ASSAULTS"u8, out _).Should().BeFalse("longer");
        cache.Count.Should().Be(1);
    }

    [Theory]
    [InlineData("")]
    [InlineData("F")]
    [InlineData("AO")]
    [InlineData("624")]
    [InlineData("0377")]
    [InlineData("Central")]
    [InlineData("Southwest")]
    [InlineData("Invest Cont")]
    [InlineData("Ñuñoa 🚓")]
    [InlineData("STRONG-ARM (HANDS, FIST, FEET OR BODILY FORCE)")]
    public void Values_of_every_length_class_are_found_again(string value)
    {
        var cache = new StringCache();
        var utf8 = Encoding.UTF8.GetBytes(value);
        cache.TryAdd(utf8, value).Should().BeTrue();
        cache.TryGet(utf8, out var found).Should().BeTrue();
        found.Should().BeSameAs(value);
    }

    [Theory]
    [InlineData(5)]
    [InlineData(12)]
    [InlineData(24)]
    public void Values_with_the_same_hash_and_length_are_told_apart_by_their_bytes(int length)
    {
        var (first, second) = Collision(length);
        first.Should().NotEqual(second);
        StringCache.Hash(first).Should().Be(StringCache.Hash(second));
        var cache = new StringCache();

        cache.TryAdd(first, "first").Should().BeTrue();
        cache.TryGet(second, out _).Should().BeFalse("equal hashes and lengths are not equal bytes");
        cache.TryAdd(second, "second").Should().BeTrue();

        cache.TryGet(first, out var a).Should().BeTrue();
        a.Should().Be("first");
        cache.TryGet(second, out var b).Should().BeTrue();
        b.Should().Be("second");
    }

    [Fact]
    public void Values_over_the_length_cap_are_never_cached()
    {
        var cache = new StringCache(maxValueLength: 4);
        cache.TryAdd("0377"u8, "0377").Should().BeTrue();
        cache.TryAdd("03770"u8, "03770").Should().BeFalse();
        cache.TryGet("03770"u8, out _).Should().BeFalse();
        cache.TryGet("0377"u8, out var found).Should().BeTrue();
        found.Should().Be("0377");
        cache.Count.Should().Be(1);
    }

    [Fact]
    public void When_full_nothing_is_added_and_nothing_is_evicted()
    {
        var cache = new StringCache(capacity: 3);
        string[] values = ["01", "02", "03", "04", "05"];
        values.Select(v => cache.TryAdd(Encoding.UTF8.GetBytes(v), v)).Should().Equal(true, true, true, false, false);

        cache.Count.Should().Be(3);
        foreach (var v in values.Take(3))
        {
            cache.TryGet(Encoding.UTF8.GetBytes(v), out var found).Should().BeTrue();
            found.Should().BeSameAs(v);
        }

        cache.TryGet("04"u8, out _).Should().BeFalse();
        cache.TryGet("05"u8, out _).Should().BeFalse();
    }

    [Fact]
    public void Arguments_are_checked()
    {
        FluentActions.Invoking(() => new StringCache(capacity: 0)).Should().Throw<ArgumentOutOfRangeException>().WithParameterName("capacity");
        FluentActions.Invoking(() => new StringCache(capacity: (1 << 24) + 1)).Should().Throw<ArgumentOutOfRangeException>().WithParameterName("capacity");
        FluentActions.Invoking(() => new StringCache(maxValueLength: -1)).Should().Throw<ArgumentOutOfRangeException>().WithParameterName("maxValueLength");
        FluentActions.Invoking(() => new StringCache().TryAdd("x"u8, null!)).Should().Throw<ArgumentNullException>().WithParameterName("value");
        new StringCache(capacity: 1 << 24, maxValueLength: 0).Capacity.Should().Be(1 << 24);
    }

    [Fact]
    public void Adding_the_same_bytes_again_keeps_the_first_string()
    {
        var cache = new StringCache();
        var first = new string('x', 3);
        var second = new string('x', 3);
        cache.TryAdd("xxx"u8, first).Should().BeTrue();
        cache.TryAdd("xxx"u8, second).Should().BeFalse();

        cache.TryGet("xxx"u8, out var found).Should().BeTrue();
        found.Should().BeSameAs(first);
        cache.Count.Should().Be(1);
    }

    [Fact]
    public void In_a_small_table_values_that_share_slots_are_all_found_and_nothing_else()
    {
        // Eight values in sixteen slots: several share a home slot and are found further on.
        var cache = new StringCache(capacity: 8);
        var values = Enumerable.Range(0, 8).Select(i => $"{i}").ToArray();
        foreach (var v in values)
        {
            cache.TryAdd(Encoding.UTF8.GetBytes(v), v).Should().BeTrue();
        }

        foreach (var v in values)
        {
            cache.TryGet(Encoding.UTF8.GetBytes(v), out var found).Should().BeTrue();
            found.Should().BeSameAs(v);
        }

        foreach (var other in Enumerable.Range(8, 200).Select(i => $"{i}"))
        {
            cache.TryGet(Encoding.UTF8.GetBytes(other), out _).Should().BeFalse();
        }
    }

    [Fact]
    public async Task Threads_adding_and_reading_at_once_always_get_the_string_of_their_bytes()
    {
        // More distinct values than the capacity, so that the threads also race for the last free entries.
        const int Capacity = 300;
        var values = Enumerable.Range(0, 1000).Select(i => $"{i % 7}-{i}{new string('.', i % 50)}").ToArray();
        var utf8 = values.Select(Encoding.UTF8.GetBytes).ToArray();
        var cache = new StringCache(Capacity);
        var wrong = 0;
        var found = 0;
        using var start = new Barrier(4);

        var threads = Enumerable.Range(0, 4).Select(seed => Task.Factory.StartNew(() =>
        {
            var random = new Random(seed);
            start.SignalAndWait();
            for (var n = 0; n < 100_000; n++)
            {
                var i = random.Next(values.Length);
                if (cache.TryGet(utf8[i], out var s))
                {
                    Interlocked.Increment(ref found);
                    if (s != values[i])
                    {
                        Interlocked.Increment(ref wrong);
                    }
                }
                else
                {
                    // A fresh instance, as a decoder would make: what comes back later must still be equal.
                    cache.TryAdd(utf8[i], new string(values[i].AsSpan()));
                }
            }
        }, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default));
        await Task.WhenAll(threads);

        wrong.Should().Be(0);
        found.Should().BeGreaterThan(0);
        cache.Count.Should().BeGreaterThan(0).And.BeLessThanOrEqualTo(Capacity);
        var cached = 0;
        for (var i = 0; i < values.Length; i++)
        {
            if (cache.TryGet(utf8[i], out var s))
            {
                s.Should().Be(values[i]);
                cached++;
            }
        }

        cached.Should().Be(cache.Count, "every entry counted is one value, found again");
    }

    /// <summary>Two different ASCII strings of <paramref name="length"/> bytes with the same <see cref="StringCache.Hash"/>.</summary>
    private static (byte[] First, byte[] Second) Collision(int length)
    {
        // Random letters (sequences would spread evenly over the hash values): about 80,000 tries for a 32-bit hash.
        var random = new Random(length);
        var seen = new Dictionary<uint, byte[]>();
        for (var n = 0; n < 2_000_000; n++)
        {
            var bytes = new byte[length];
            for (var i = 0; i < length; i++)
            {
                bytes[i] = (byte)('A' + random.Next(26));
            }

            if (seen.TryGetValue(StringCache.Hash(bytes), out var earlier))
            {
                if (!earlier.AsSpan().SequenceEqual(bytes))
                {
                    return (earlier, bytes);
                }
            }
            else
            {
                seen.Add(StringCache.Hash(bytes), bytes);
            }
        }

        throw new InvalidOperationException("no collision found");
    }
}
