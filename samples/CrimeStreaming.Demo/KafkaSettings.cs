using System.Text;
using Confluent.Kafka;
using CrimeStreaming.Demo.Cli;

namespace CrimeStreaming.Demo;

/// <summary>
/// Kafka client settings from the command line (<c>-X key=value</c>, as kcat takes them) and from a Java-style
/// properties file (<c>--kafka-config FILE</c>), given alike to the producer, the consumer and the admin client.
/// </summary>
/// <remarks>
/// The file is read first and <c>-X</c> settings override it, in command-line order. Values of keys that look secret
/// (containing password, secret, key, token or jaas) are never printed: <see cref="Describe"/> shows them as
/// <c>***</c> and <see cref="Redact"/> removes them from any message.
/// </remarks>
internal sealed class KafkaSettings
{
    private static readonly string[] SecretWords = ["password", "secret", "key", "token", "jaas"];
    private readonly List<(string Key, string Value)> _settings = [];

    // Shorter values are not secrets worth mangling every message for (a "1" would hit every number).
    private const int MinRedactedLength = 3;

    public IReadOnlyList<(string Key, string Value)> Settings => _settings;

    public bool IsEmpty => _settings.Count == 0;

    /// <summary>The effective value of <paramref name="key"/> (the last one given), or <see langword="null"/>.</summary>
    public string? this[string key] => _settings.LastOrDefault(s => s.Key == key).Value;

    public static bool IsSecret(string key) => SecretWords.Any(w => key.Contains(w, StringComparison.OrdinalIgnoreCase));

    /// <summary>Adds one <c>key=value</c> setting.</summary>
    /// <exception cref="UsageException">No <c>=</c> or an empty key.</exception>
    /// <summary>The settings of a command line: the properties file first, then each <c>-X</c> in order (so they override it).</summary>
    public static KafkaSettings From(string? file, IEnumerable<string> settings)
    {
        var result = new KafkaSettings();
        if (file is not null)
        {
            result.AddFile("--kafka-config", file);
        }

        foreach (var setting in settings)
        {
            result.Add("-X", setting);
        }

        return result;
    }

    public void Add(string option, string setting)
    {
        var eq = setting.IndexOf('=', StringComparison.Ordinal);
        if (eq <= 0 || string.IsNullOrWhiteSpace(setting[..eq]))
        {
            throw new UsageException($"{option}: '{RedactSetting(setting)}' is not key=value (e.g. -X security.protocol=SASL_SSL).");
        }

        _settings.Add((setting[..eq].Trim(), setting[(eq + 1)..].Trim()));
    }

    /// <summary>Reads a Java-style properties file: <c>key=value</c> or <c>key: value</c> lines, <c>#</c> and <c>!</c> comments, <c>\</c> continuations.</summary>
    /// <exception cref="UsageException">A line that is not a setting, naming the file and line.</exception>
    public void AddFile(string option, string path)
    {
        PathChecks.InputFile(option, path);
        var lines = File.ReadAllLines(path);
        for (var i = 0; i < lines.Length; i++)
        {
            var number = i + 1;
            var line = lines[i].Trim();
            while (line.EndsWith('\\') && i + 1 < lines.Length)
            {
                line = line[..^1] + lines[++i].Trim();
            }

            if (line.Length == 0 || line[0] is '#' or '!')
            {
                continue;
            }

            var separator = line.IndexOfAny(['=', ':']);
            if (separator <= 0)
            {
                throw new UsageException($"{option}: {path} line {number}: '{RedactSetting(line)}' is not key=value.");
            }

            _settings.Add((line[..separator].Trim(), line[(separator + 1)..].Trim()));
        }
    }

    /// <summary>Applies the settings to a client configuration (producer, consumer or admin).</summary>
    /// <remarks><c>bootstrap.servers</c> is left alone: the caller resolved it (see <see cref="DemoOptions.BootstrapServers"/>).</remarks>
    public void ApplyTo(ClientConfig config)
    {
        foreach (var (key, value) in _settings)
        {
            if (key != "bootstrap.servers")
            {
                config.Set(key, value);
            }
        }
    }

    /// <summary>The settings for messages and logs, secrets shown as <c>***</c>.</summary>
    public string Describe() => string.Join(", ", _settings.Select(s => $"{s.Key}={(IsSecret(s.Key) ? "***" : s.Value)}"));

    /// <summary>Replaces every secret value found in <paramref name="message"/> by <c>***</c>.</summary>
    public string Redact(string message)
    {
        var result = new StringBuilder(message);
        foreach (var (key, value) in _settings)
        {
            if (IsSecret(key) && value.Length >= MinRedactedLength)
            {
                result.Replace(value, "***");
            }
        }

        return result.ToString();
    }

    private static string RedactSetting(string setting)
    {
        var separator = setting.IndexOfAny(['=', ':']);
        return separator > 0 && IsSecret(setting[..separator]) ? setting[..(separator + 1)] + "***" : IsSecret(setting) ? "***" : setting;
    }
}
