namespace CrimeStreaming.Windowing;

/// <summary>A value or nothing: the state of a key in <see cref="DStreamExtensions.UpdateStateByKey{T, TKey, TState}"/>.</summary>
/// <typeparam name="T">The value type.</typeparam>
public readonly record struct Option<T>
{
    private readonly T _value;

    private Option(T value)
    {
        _value = value;
        HasValue = true;
    }

    /// <summary>No value: as a state, it removes the key.</summary>
    public static Option<T> None => default;

    /// <summary><see langword="true"/> when there is a value.</summary>
    public bool HasValue { get; }

    /// <summary>The value; throws when there is none.</summary>
    public T Value => HasValue ? _value : throw new InvalidOperationException("The option has no value.");

    /// <summary>Wraps a value.</summary>
    public static Option<T> Some(T value) => new(value);

    /// <summary>The value, or <paramref name="fallback"/> when there is none.</summary>
    public T GetValueOrDefault(T fallback) => HasValue ? _value : fallback;
}
