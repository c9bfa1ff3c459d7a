using System.Globalization;
using CrimeStreaming.Aggregation;
using CrimeStreaming.Windowing;

namespace CrimeStreaming.ScaleOut;

/// <summary>A global window's result: one analysis over every partition's reports in the window.</summary>
/// <param name="Analysis">The analysis' name (<see cref="WindowedAnalysis.Name"/>).</param>
/// <param name="Window">The window definition the window belongs to.</param>
/// <param name="Start">The window's start (UTC).</param>
/// <param name="End">The window's end, exclusive (UTC).</param>
/// <param name="Reports">How many reports the window holds (windows without reports are not emitted).</param>
/// <param name="Value">The aggregate's result (its <c>TResult</c>; <see cref="CrimeFigures"/> for the crime snapshot).</param>
/// <param name="Text">The result's exact text (<see cref="IWindowAggregate{TInput, TAccumulator, TResult}.Format"/>).</param>
public sealed record GlobalWindowResult(string Analysis, WindowDefinition Window, DateTimeOffset Start, DateTimeOffset End, long Reports, object Value, string Text)
{
    /// <summary>A crime snapshot result over <paramref name="hours"/> hours (windows sliding by one hour).</summary>
    public GlobalWindowResult(int hours, CrimeSnapshot snapshot)
        : this(
            WindowedAnalysis.CrimeSnapshotName,
            WindowDefinition.Hours(hours),
            (snapshot ?? throw new ArgumentNullException(nameof(snapshot))).Start,
            snapshot.End,
            snapshot.Total,
            new CrimeFigures(snapshot.Total, snapshot.Near, snapshot.TopCrimeTypes, snapshot.TopAreas),
            new CrimeSnapshotAggregate().Format(new CrimeFigures(snapshot.Total, snapshot.Near, snapshot.TopCrimeTypes, snapshot.TopAreas)))
    {
    }

    /// <summary>The window's length in whole hours (the crime snapshot's windows are 1, 6 and 12 hours by default).</summary>
    public int Hours => (int)(Window.Length.Ticks / TimeSpan.TicksPerHour);

    /// <summary>The crime snapshot's figures with the window's bounds.</summary>
    /// <exception cref="InvalidOperationException">The result is of another analysis.</exception>
    public CrimeSnapshot Snapshot => Value is CrimeFigures figures
        ? figures.ToSnapshot(Start, End)
        : throw new InvalidOperationException($"The result of analysis {Analysis} is a {Value.GetType().Name}, not crime figures.");

    /// <summary>
    /// One line that identifies the result exactly, independent of culture and of how it was computed:
    /// <c>6h 2020-01-01T00:00Z..2020-01-01T06:00Z</c> and the result's text. The unit of the digests.
    /// </summary>
    public string ToCanonicalString() =>
        string.Create(CultureInfo.InvariantCulture, $"{Window.LengthLabel} {Start.UtcDateTime:yyyy-MM-ddTHH:mm}Z..{End.UtcDateTime:yyyy-MM-ddTHH:mm}Z {Text}");
}
