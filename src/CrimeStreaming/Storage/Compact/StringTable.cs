using System.Runtime.CompilerServices;

namespace CrimeStreaming.Storage.Compact;

/// <summary>Numbers the distinct values of low-cardinality columns; id 0 is <see langword="null"/>.</summary>
internal sealed class StringTable
{
    private readonly Dictionary<string, int> _ids = new(StringComparer.Ordinal);
    private readonly List<string?> _values = [null];

    public int Count => _values.Count;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public int Add(string? value)
    {
        if (value is null)
        {
            return 0;
        }

        if (!_ids.TryGetValue(value, out var id))
        {
            id = _values.Count;
            _ids.Add(value, id);
            _values.Add(value);
        }

        return id;
    }

    public string? Get(int id) => _values[id];
}
