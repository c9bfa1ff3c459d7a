using System.Text;

namespace CrimeStreaming;

/// <summary>
/// Options failed validation: lists every invalid property at once (not only the first), each with its name and why.
/// </summary>
/// <remarks><see cref="ArgumentException.ParamName"/> is the first invalid property; <see cref="Errors"/> holds them all.</remarks>
public sealed class InvalidOptionsException : ArgumentException
{
    /// <summary>Creates the exception for <paramref name="errors"/> of the options type named <paramref name="optionsType"/>.</summary>
    /// <param name="optionsType">The options type, e.g. <c>CrimeStreamerOptions</c>.</param>
    /// <param name="errors">The invalid properties and why; at least one.</param>
    public InvalidOptionsException(string optionsType, IReadOnlyList<OptionError> errors)
        : base(Format(optionsType, errors), errors is { Count: > 0 } ? errors[0].Property : null)
    {
        ArgumentException.ThrowIfNullOrEmpty(optionsType);
        OptionsType = optionsType;
        Errors = errors;
    }

    /// <summary>The options type, e.g. <c>CrimeStreamerOptions</c>.</summary>
    public string OptionsType { get; }

    /// <summary>Every invalid property, in declaration order.</summary>
    public IReadOnlyList<OptionError> Errors { get; }

    private static string Format(string optionsType, IReadOnlyList<OptionError> errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        if (errors.Count == 0)
        {
            throw new ArgumentException("At least one error is required.", nameof(errors));
        }

        var s = new StringBuilder();
        s.Append(errors.Count == 1 ? $"{optionsType} is invalid: " : $"{optionsType} has {errors.Count} invalid properties: ");
        s.AppendJoin("; ", errors.Select(e => $"{e.Property} {e.Message}"));
        return s.ToString();
    }

    /// <summary>Collects the errors of one validation.</summary>
    internal sealed class Builder(string optionsType)
    {
        private readonly List<OptionError> _errors = [];

        public void Add(string property, string message) => _errors.Add(new OptionError(property, message));

        public void ThrowIfAny()
        {
            if (_errors.Count > 0)
            {
                throw new InvalidOptionsException(optionsType, _errors.ToArray());
            }
        }
    }
}
