namespace CrimeStreaming.Windowing;

/// <summary>A key and how often it occurred, e.g. a crime type and its count in a window.</summary>
/// <typeparam name="TKey">The key type.</typeparam>
/// <param name="Key">The key.</param>
/// <param name="Count">The count.</param>
public readonly record struct KeyCount<TKey>(TKey Key, long Count);
