namespace CrimeStreaming.Storage;

/// <summary>Stable ordering of indexes by a 64-bit key, by least-significant-digit radix sort.</summary>
/// <remarks>
/// Report times of one officer span a few years of ticks: after subtracting the smallest key, five passes of 11 bits
/// cover 55 bits, and a pass whose digit is the same for every key is skipped. Linear in the count, and stable by
/// construction (a comparison sort would need the index as a tie-breaker).
/// </remarks>
internal static class StableOrder
{
    private const int DigitBits = 11;
    private const int Buckets = 1 << DigitBits;

    /// <summary>The indexes 0..n-1 of <paramref name="keys"/>, ordered by key; equal keys keep their index order.</summary>
    public static int[] ByKey(long[] keys)
    {
        var n = keys.Length;
        var order = new int[n];
        for (var i = 0; i < n; i++)
        {
            order[i] = i;
        }

        if (n < 2)
        {
            return order;
        }

        var min = keys[0];
        var max = keys[0];
        foreach (var k in keys)
        {
            min = Math.Min(min, k);
            max = Math.Max(max, k);
        }

        // Offsets from the smallest key are non-negative, and their bits above the range's are zero.
        var range = unchecked((ulong)(max - min));
        var offsets = new ulong[n];
        for (var i = 0; i < n; i++)
        {
            offsets[i] = unchecked((ulong)(keys[i] - min));
        }

        var offsetsOut = new ulong[n];
        var orderOut = new int[n];
        var counts = new int[Buckets];
        for (var shift = 0; shift < 64 && (range >> shift) != 0; shift += DigitBits)
        {
            Array.Clear(counts);
            foreach (var o in offsets)
            {
                counts[(int)((o >> shift) & (Buckets - 1))]++;
            }

            if (counts[(int)((offsets[0] >> shift) & (Buckets - 1))] == n)
            {
                continue; // every key has this digit: the pass would change nothing
            }

            var position = 0;
            for (var b = 0; b < Buckets; b++)
            {
                var c = counts[b];
                counts[b] = position;
                position += c;
            }

            for (var i = 0; i < n; i++)
            {
                var target = counts[(int)((offsets[i] >> shift) & (Buckets - 1))]++;
                offsetsOut[target] = offsets[i];
                orderOut[target] = order[i];
            }

            (offsets, offsetsOut) = (offsetsOut, offsets);
            (order, orderOut) = (orderOut, order);
        }

        return order;
    }
}
