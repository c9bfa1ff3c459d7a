using System.Globalization;

namespace CrimeStreaming.ScaleOut;

/// <summary>Windows of <paramref name="Length"/> starting every <paramref name="Slide"/> (aligned to the Unix epoch, in UTC).</summary>
/// <param name="Length">The window length: a whole number of panes.</param>
/// <param name="Slide">The distance between window starts: a whole number of panes, at most <paramref name="Length"/> (equal for tumbling windows).</param>
public readonly record struct WindowDefinition(TimeSpan Length, TimeSpan Slide)
{
    /// <summary>Windows of <paramref name="hours"/> hours sliding by one hour (the original study's).</summary>
    public static WindowDefinition Hours(int hours) => new(TimeSpan.FromHours(hours), TimeSpan.FromHours(1));

    /// <summary>The length as results show it: <c>6h</c>, <c>30m</c>, <c>90s</c>.</summary>
    public string LengthLabel => Label(Length);

    /// <inheritdoc/>
    public override string ToString() => Length == Slide ? $"{Label(Length)} tumbling" : $"{Label(Length)} sliding {Label(Slide)}";

    /// <summary>The errors of this definition with panes of <paramref name="pane"/>, each naming the values; empty when it is valid.</summary>
    internal IEnumerable<string> Errors(TimeSpan pane, TimeSpan max)
    {
        if (Length <= TimeSpan.Zero || Length > max)
        {
            yield return $"the window length {Label(Length)} must be positive and at most {Label(max)}";
            yield break;
        }

        if (Slide <= TimeSpan.Zero || Slide > Length)
        {
            yield return $"the slide {Label(Slide)} must be positive and at most the window length {Label(Length)}";
            yield break;
        }

        if (Length.Ticks % pane.Ticks != 0)
        {
            yield return $"the window length {Label(Length)} is not a multiple of the pane {Label(pane)}";
        }

        if (Slide.Ticks % pane.Ticks != 0)
        {
            yield return $"the slide {Label(Slide)} of the {Label(Length)} windows is not a multiple of the pane {Label(pane)}";
        }
    }

    internal static string Label(TimeSpan time) => time switch
    {
        _ when time.Ticks % TimeSpan.TicksPerHour == 0 => string.Create(CultureInfo.InvariantCulture, $"{time.Ticks / TimeSpan.TicksPerHour}h"),
        _ when time.Ticks % TimeSpan.TicksPerMinute == 0 => string.Create(CultureInfo.InvariantCulture, $"{time.Ticks / TimeSpan.TicksPerMinute}m"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{time.TotalSeconds:0.###}s"),
    };
}
