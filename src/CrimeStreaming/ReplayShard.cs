using System.Globalization;

namespace CrimeStreaming;

/// <summary>
/// One of k processes that replay one input together (<c>--shard i/k</c>): each prepares the whole input with the same
/// seed and replays officers i, i + k, i + 2k, … on a shared simulation epoch; together they emit the single-process stream.
/// </summary>
/// <param name="Index">The shard, from 1 to <paramref name="Count"/>.</param>
/// <param name="Count">How many shards replay the input.</param>
public readonly record struct ReplayShard(int Index, int Count)
{
    /// <summary>The whole replay in one process: shard 1/1.</summary>
    public static ReplayShard Whole => new(1, 1);

    /// <summary>Whether <paramref name="officerId"/> (1-based) is replayed by this shard.</summary>
    public bool Owns(int officerId) => (officerId - 1) % Count == Index - 1;

    /// <summary>Parses <c>i/k</c> with 1 ≤ i ≤ k.</summary>
    public static bool TryParse(string? text, out ReplayShard shard)
    {
        shard = Whole;
        var parts = text?.Split('/');
        if (parts is not { Length: 2 }
            || !int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var index)
            || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var count)
            || count < 1 || index < 1 || index > count)
        {
            return false;
        }

        shard = new ReplayShard(index, count);
        return true;
    }

    /// <inheritdoc/>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"shard {Index}/{Count}");
}
