namespace CrimeStreaming.Kafka;

/// <summary>
/// Collects the errors of one options validation and throws them together as an <see cref="InvalidOptionsException"/>,
/// as the core options do.
/// </summary>
internal sealed class OptionErrors(string optionsType)
{
    private readonly List<OptionError> _errors = [];

    public void Add(string property, string message) => _errors.Add(new OptionError(property, message));

    public void AddRange(IEnumerable<OptionError> errors) => _errors.AddRange(errors);

    /// <summary>Adds an error when <paramref name="value"/> is null, empty or blank.</summary>
    public void Required(string property, string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            Add(property, RequiredMessage(value));
        }
    }

    /// <summary>Why a required text is invalid, naming the value.</summary>
    public static string RequiredMessage(string? value) => value is null ? "is required, not null." : $"is required, not \"{value}\".";

    /// <summary>Adds an error unless <paramref name="value"/> is positive and at most <paramref name="max"/>.</summary>
    public void Positive(string property, TimeSpan value, TimeSpan max)
    {
        if (value <= TimeSpan.Zero || value > max)
        {
            Add(property, $"must be positive and at most {max}, not {value}.");
        }
    }

    public void ThrowIfAny()
    {
        if (_errors.Count > 0)
        {
            throw new InvalidOptionsException(optionsType, _errors.ToArray());
        }
    }
}
