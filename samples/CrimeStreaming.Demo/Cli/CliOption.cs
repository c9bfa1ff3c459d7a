namespace CrimeStreaming.Demo.Cli;

/// <summary>One command-line option of a <see cref="OptionTable{T}"/>.</summary>
/// <typeparam name="T">The options object the option sets.</typeparam>
/// <param name="Names">The option's names, the main one first (e.g. <c>--help</c>, <c>-h</c>).</param>
/// <param name="Value">The value's placeholder in the help (e.g. <c>N</c>), or <see langword="null"/> for a flag.</param>
/// <param name="Help">The help text; may span lines.</param>
/// <param name="Apply">Sets the option: receives the options object, the name used and the value (<see langword="null"/> for a flag).</param>
internal sealed record CliOption<T>(string[] Names, string? Value, string Help, Action<T, string, string?> Apply)
{
    public string Name => Names[0];

    /// <summary>The value may be left out (<c>--web</c> or <c>--web 8080</c>): <see cref="Apply"/> then receives <see langword="null"/>.</summary>
    public bool ValueIsOptional { get; init; }

    public static CliOption<T> Flag(string name, string help, Action<T> apply, params string[] aliases) =>
        new([name, .. aliases], null, help, (o, _, _) => apply(o));

    public static CliOption<T> WithValue(string name, string value, string help, Action<T, string, string> apply) =>
        new([name], value, help, (o, n, v) => apply(o, n, v!));

    /// <summary>An option whose value may be left out: the next argument is its value unless it is another option.</summary>
    /// <param name="value">The placeholder, shown in brackets in the help.</param>
    public static CliOption<T> WithOptionalValue(string name, string value, string help, Action<T, string, string?> apply) =>
        new([name], $"[{value}]", help, apply) { ValueIsOptional = true };
}
