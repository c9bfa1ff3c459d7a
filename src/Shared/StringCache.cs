using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;
using System.Numerics;
using System.Runtime.CompilerServices;

namespace CrimeStreaming.Shared;

/// <summary>
/// A bounded, thread-safe cache of short strings keyed by the bytes of their encoded text (the UTF-8 of a Kafka message,
/// the UTF-16 of a CSV row): a value seen before comes back as the same <see cref="string"/> instance, without
/// allocating or transcoding.
/// </summary>
/// <remarks>
/// <para>Why: most text fields of a crime report (area, district, crime code and description, premise, weapon,
/// status…) take a few hundred distinct values at most over the whole data set, yet reading each message or row used to
/// allocate a fresh string for every one of them. Looking the bytes up here costs a hash and a comparison of the
/// bytes; the strings stay alive anyway as long as the reports that hold them.</para>
/// <para>One source file, compiled into each package that uses it (internal to each).</para>
/// <para>The key's encoding is the caller's: one cache must be used with one encoding.</para>
/// <para>Bounded: at most <see cref="Capacity"/> entries of at most <see cref="MaxValueLength"/> bytes each. Once full,
/// nothing is added and nothing is evicted: the caller allocates as it would without a cache, so a stream of distinct
/// values can neither grow the cache nor make it thrash. The table is open addressing, at most half full, with a
/// limited probe length, so a lookup stays short even when it misses.</para>
/// <para>Thread-safe without locks: a slot only ever goes from empty to an immutable entry, by compare-and-swap, so a
/// reader on any thread sees either nothing (a miss) or a complete entry. One instance serves every consumer thread,
/// where a per-thread cache would hold one copy of every value per thread.</para>
/// <para>The bytes are compared, not only their hash: two values with the same hash are two entries.</para>
/// </remarks>
internal sealed class StringCache
{
    /// <summary>The default number of entries: the low-cardinality fields of the LAPD data have about 2,500 values in all.</summary>
    public const int DefaultCapacity = 4096;

    /// <summary>The default longest value, in bytes (the longest crime and premise descriptions are under 60 characters).</summary>
    public const int DefaultMaxValueLength = 64;

    /// <summary>Slots looked at from a value's home slot before giving up (a miss, or no room to add it).</summary>
    private const int MaxProbes = 16;

    private readonly Entry?[] _slots;
    private readonly uint _mask;
    private readonly int _shift;
    private int _count;

    /// <summary>An empty cache of at most <paramref name="capacity"/> values of at most <paramref name="maxValueLength"/> bytes.</summary>
    public StringCache(int capacity = DefaultCapacity, int maxValueLength = DefaultMaxValueLength)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(capacity);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(capacity, 1 << 24);
        ArgumentOutOfRangeException.ThrowIfNegative(maxValueLength);
        Capacity = capacity;
        MaxValueLength = maxValueLength;
        _slots = new Entry?[BitOperations.RoundUpToPowerOf2((uint)capacity * 2)];
        _mask = (uint)_slots.Length - 1;
        _shift = 32 - BitOperations.Log2((uint)_slots.Length);
    }

    /// <summary>The most values the cache holds.</summary>
    public int Capacity { get; }

    /// <summary>The longest value the cache holds, in bytes; longer ones are never cached.</summary>
    public int MaxValueLength { get; }

    /// <summary>The values held (while another thread is adding one, possibly counting it already).</summary>
    public int Count => Volatile.Read(ref _count);

    /// <summary>The string remembered for exactly these bytes, if any.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public bool TryGet(ReadOnlySpan<byte> bytes, [NotNullWhen(true)] out string? value)
    {
        if (bytes.Length <= MaxValueLength)
        {
            var hash = Hash(bytes);
            var home = hash >> _shift;
            var slots = _slots;
            for (var i = 0u; i < MaxProbes; i++)
            {
                var entry = Volatile.Read(ref slots[(home + i) & _mask]);
                if (entry is null)
                {
                    break;
                }

                if (entry.Hash == hash && entry.Key.AsSpan().SequenceEqual(bytes))
                {
                    value = entry.Value;
                    return true;
                }
            }
        }

        value = null;
        return false;
    }

    /// <summary>
    /// Remembers <paramref name="value"/> as the string of <paramref name="bytes"/>, which the caller decoded from exactly
    /// these bytes. Nothing happens when the value is too long, the cache is full, no slot is free near the value's home
    /// slot, or another thread added the same bytes first.
    /// </summary>
    /// <returns>Whether this call added the value.</returns>
    public bool TryAdd(ReadOnlySpan<byte> bytes, string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        // The first test keeps a full cache from touching the shared counter on every miss.
        if (bytes.Length > MaxValueLength || Volatile.Read(ref _count) >= Capacity)
        {
            return false;
        }

        if (Interlocked.Increment(ref _count) > Capacity)
        {
            Interlocked.Decrement(ref _count);
            return false;
        }

        var hash = Hash(bytes);
        var home = hash >> _shift;
        Entry? created = null;
        for (var i = 0u; i < MaxProbes; i++)
        {
            ref var slot = ref _slots[(home + i) & _mask];
            var entry = Volatile.Read(ref slot);
            if (entry is null)
            {
                created ??= new Entry(hash, bytes.ToArray(), value);
                entry = Interlocked.CompareExchange(ref slot, created, null);
                if (entry is null)
                {
                    return true;
                }
            }

            if (entry.Hash == hash && entry.Key.AsSpan().SequenceEqual(bytes))
            {
                break;
            }
        }

        Interlocked.Decrement(ref _count);
        return false;
    }

    /// <summary>
    /// A 32-bit hash of the bytes. Most values are short codes: up to 16 bytes, two overlapping reads and two
    /// multiplications, no loop; longer values first fold in 8 bytes a round.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static uint Hash(ReadOnlySpan<byte> bytes)
    {
        const ulong Prime1 = 0x9E3779B185EBCA87;
        const ulong Prime2 = 0xC2B2AE3D27D4EB4F;
        var length = bytes.Length;
        ulong first, last;
        if (length >= 8)
        {
            var folded = (ulong)length * Prime1;
            var rest = bytes;
            while (rest.Length > 16)
            {
                folded = BitOperations.RotateLeft(folded ^ (BinaryPrimitives.ReadUInt64LittleEndian(rest) * Prime2), 31) * Prime1;
                rest = rest[8..];
            }

            first = folded ^ BinaryPrimitives.ReadUInt64LittleEndian(rest);
            last = BinaryPrimitives.ReadUInt64LittleEndian(rest[^8..]);
        }
        else if (length >= 4)
        {
            first = BinaryPrimitives.ReadUInt32LittleEndian(bytes);
            last = BinaryPrimitives.ReadUInt32LittleEndian(bytes[^4..]);
        }
        else if (length > 0)
        {
            first = ((ulong)bytes[0] << 16) | ((ulong)bytes[length >> 1] << 8) | bytes[length - 1];
            last = 0;
        }
        else
        {
            first = last = 0;
        }

        // The top bits of a product depend on every bit of its factors: the slot is taken from them.
        return (uint)((((first * Prime1) ^ last ^ (ulong)length) * Prime2) >> 32);
    }

    /// <summary>An immutable cached value: its hash, its bytes and its string.</summary>
    private sealed class Entry(uint hash, byte[] bytes, string value)
    {
        public readonly uint Hash = hash;
        public readonly byte[] Key = bytes;
        public readonly string Value = value;
    }
}
