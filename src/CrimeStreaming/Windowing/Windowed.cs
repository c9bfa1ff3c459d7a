namespace CrimeStreaming.Windowing;

/// <summary>A value computed over the window [<see cref="Start"/>, <see cref="End"/>) (a batch is a window one interval long).</summary>
/// <typeparam name="T">The value type.</typeparam>
/// <param name="Start">Inclusive start of the window.</param>
/// <param name="End">Exclusive end of the window.</param>
/// <param name="Value">The value.</param>
public sealed record Windowed<T>(DateTimeOffset Start, DateTimeOffset End, T Value);
