namespace CrimeStreaming;

/// <summary>One invalid property of an options object.</summary>
/// <param name="Property">The property's name, e.g. <c>Acceleration</c>.</param>
/// <param name="Message">Why it is invalid, e.g. <c>must be between 1 and 10,000,000, not 1E-09.</c></param>
public sealed record OptionError(string Property, string Message);
