namespace CrimeStreaming.Csv;

/// <summary>
/// Shares one string instance per distinct value of low-cardinality columns (areas, codes, descriptions), so a
/// million records hold 21 area names, not a million copies. Bounded: past its capacity it stops adding.
/// </summary>
internal sealed class StringPool(int capacity = 65_536)
{
    private readonly Dictionary<string, string> _values = new(StringComparer.Ordinal);

    public string Get(string value)
    {
        if (_values.TryGetValue(value, out var shared))
        {
            return shared;
        }

        if (_values.Count < capacity)
        {
            _values.Add(value, value);
        }

        return value;
    }
}
