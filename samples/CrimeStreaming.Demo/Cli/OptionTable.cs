using System.Text;

namespace CrimeStreaming.Demo.Cli;

/// <summary>
/// A table of command-line options: parses <c>--name value</c>, <c>--name=value</c> and flags into a
/// <typeparamref name="T"/>, and writes the help from the same table, so an option is declared once.
/// </summary>
/// <typeparam name="T">The options object.</typeparam>
internal sealed class OptionTable<T>(IReadOnlyList<CliOption<T>> options)
    where T : new()
{
    public static readonly string[] HelpNames = ["--help", "-h", "-?"];

    public IReadOnlyList<CliOption<T>> Options { get; } = options;

    /// <summary>Whether any argument asks for help: help wins over every other error on the line.</summary>
    public static bool WantsHelp(IEnumerable<string> args) => args.Any(a => HelpNames.Contains(a, StringComparer.Ordinal));

    /// <summary>Parses the arguments in order (a later occurrence of an option overrides an earlier one unless the option accumulates).</summary>
    /// <exception cref="UsageException">An unknown option, a missing value or a value the option refuses.</exception>
    public T Parse(IReadOnlyList<string> args)
    {
        var result = new T();
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            string? inline = null;
            var name = arg;
            var eq = arg.IndexOf('=', StringComparison.Ordinal);
            if (arg.StartsWith("--", StringComparison.Ordinal) && eq > 2)
            {
                name = arg[..eq];
                inline = arg[(eq + 1)..];
            }

            var option = Find(name);
            if (option is null && inline is null && arg.Length > 2 && arg[0] == '-' && arg[1] != '-')
            {
                // Short options glued to their value, as kcat accepts them: -Xsasl.mechanism=PLAIN.
                option = Find(arg[..2]);
                if (option?.Value is not null)
                {
                    name = arg[..2];
                    inline = arg[2..];
                }
                else
                {
                    option = null;
                }
            }

            if (option is null)
            {
                throw new UsageException($"unknown option {name} (see --help).");
            }

            if (option.Value is null)
            {
                if (inline is not null)
                {
                    throw new UsageException($"{name} takes no value.");
                }

                option.Apply(result, name, null);
                continue;
            }

            if (option.ValueIsOptional && inline is null)
            {
                // The next argument is the value unless it is another option (a negative number is a value, refused later).
                var next = i + 1 < args.Count ? args[i + 1] : null;
                var taken = next is not null && (!next.StartsWith('-') || double.TryParse(next, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out _));
                option.Apply(result, option.Name, taken ? args[++i] : null);
                continue;
            }

            var value = inline ?? (i + 1 < args.Count ? args[++i] : throw new UsageException($"{name} needs a value ({option.Value})."));
            option.Apply(result, option.Name, value);
        }

        return result;
    }

    /// <summary>The options part of the help: one entry per option, its value placeholder and its help.</summary>
    public string Describe()
    {
        var lines = new StringBuilder();
        var labels = Options.Select(o => string.Join(", ", o.Names) + (o.Value is null ? string.Empty : " " + o.Value)).ToArray();
        var width = Math.Min(labels.Max(l => l.Length), 28) + 2;
        for (var i = 0; i < Options.Count; i++)
        {
            var helpLines = Options[i].Help.Split('\n');
            var label = "  " + labels[i];
            if (label.Length + 1 > width + 2)
            {
                lines.AppendLine(label);
                label = string.Empty;
            }

            foreach (var help in helpLines)
            {
                lines.Append(label.PadRight(width + 2)).AppendLine(help.TrimEnd());
                label = string.Empty;
            }
        }

        return lines.ToString();
    }

    private CliOption<T>? Find(string name) => Options.FirstOrDefault(o => o.Names.Contains(name, StringComparer.Ordinal));
}
