using System.Globalization;

namespace CrimeStreaming.Demo.Cli;

/// <summary>Parses option values, with errors that name the option, the value and what is accepted.</summary>
internal static class OptionValues
{
    public static int Int(string option, string text, int min, int max)
    {
        if (!int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value) || value < min || value > max)
        {
            throw new UsageException(string.Create(CultureInfo.InvariantCulture, $"{option}: '{text}' is not a whole number from {min:N0} to {max:N0}."));
        }

        return value;
    }

    public static long Long(string option, string text, long min, long max)
    {
        if (!long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value) || value < min || value > max)
        {
            throw new UsageException(string.Create(CultureInfo.InvariantCulture, $"{option}: '{text}' is not a whole number from {min:N0} to {max:N0}."));
        }

        return value;
    }

    /// <summary>A finite number in [min, max]; NaN and infinities are refused like any other out-of-range value.</summary>
    public static double Double(string option, string text, double min, double max)
    {
        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || !double.IsFinite(value) || value < min || value > max)
        {
            throw new UsageException(string.Create(CultureInfo.InvariantCulture, $"{option}: '{text}' is not a number from {min:#,0.###} to {max:#,0.###}."));
        }

        return value;
    }

    public static DateOnly Date(string option, string text)
    {
        if (!DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var value))
        {
            throw new UsageException($"{option}: '{text}' is not a date YYYY-MM-DD.");
        }

        return value;
    }

    public static DateTime DateTime(string option, string text)
    {
        string[] formats = ["yyyy-MM-dd", "yyyy-MM-ddTHH:mm", "yyyy-MM-dd HH:mm", "yyyy-MM-ddTHH:mm:ss", "yyyy-MM-dd HH:mm:ss"];
        if (!System.DateTime.TryParseExact(text, formats, CultureInfo.InvariantCulture, DateTimeStyles.None, out var value))
        {
            throw new UsageException($"{option}: '{text}' is not a date YYYY-MM-DD or a time YYYY-MM-DDTHH:MM.");
        }

        return value;
    }
}
