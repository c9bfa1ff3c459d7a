using System.Buffers;
using System.Text.Json;
using CrimeStreaming.Aggregation;

namespace CrimeStreaming.ScaleOut;

/// <summary>
/// An analysis an analysis group runs: an aggregate of crime reports, under a name, over one or more window
/// definitions. Each instance aggregates its partitions into panes; the results reader merges the panes of every
/// partition into global windows, with a digest per analysis. Build one with
/// <see cref="Create{TAccumulator, TResult}(string, IWindowAggregate{CrimeReport, TAccumulator, TResult}, WindowDefinition[])"/>.
/// </summary>
/// <remarks>Results come as <see cref="GlobalWindowResult"/> values whose <see cref="GlobalWindowResult.Value"/> is
/// the aggregate's <c>TResult</c>.</remarks>
public abstract class WindowedAnalysis
{
    /// <summary>The name of the original study's analysis (<see cref="CrimeSnapshotAggregate"/>), which every group runs.</summary>
    public const string CrimeSnapshotName = "crime-snapshot";

    private protected WindowedAnalysis(string name, IReadOnlyList<WindowDefinition> windows)
    {
        Name = name;
        Windows = windows;
    }

    /// <summary>The analysis' name: what its results and partials are tagged with. Unique in a group.</summary>
    public string Name { get; }

    /// <summary>The windows it is computed over, each a whole number of panes.</summary>
    public IReadOnlyList<WindowDefinition> Windows { get; }

    /// <summary>An analysis of <paramref name="aggregate"/> over <paramref name="windows"/>.</summary>
    /// <param name="name">A name, unique in its group (letters, digits, '.', '_' and '-').</param>
    /// <param name="aggregate">The aggregate, with its serialization.</param>
    /// <param name="windows">At least one window definition.</param>
    /// <remarks>The windows are checked against the group's pane when the group starts (see <see cref="Errors"/>).</remarks>
    public static WindowedAnalysis<TAccumulator, TResult> Create<TAccumulator, TResult>(string name, IWindowAggregate<CrimeReport, TAccumulator, TResult> aggregate, params WindowDefinition[] windows)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(aggregate);
        ArgumentNullException.ThrowIfNull(windows);
        return new WindowedAnalysis<TAccumulator, TResult>(name, aggregate, windows.ToArray());
    }

    /// <summary>The original study's analysis: <see cref="CrimeSnapshotAggregate"/> over windows of <paramref name="windowHours"/> hours sliding by one hour.</summary>
    public static WindowedAnalysis<CrimeCounts, CrimeFigures> CrimeSnapshot(IEnumerable<int> windowHours, Func<CrimeRecord, bool>? isNear = null, int top = 5)
    {
        ArgumentNullException.ThrowIfNull(windowHours);
        return Create(CrimeSnapshotName, new CrimeSnapshotAggregate(isNear, top), windowHours.Distinct().Order().Select(WindowDefinition.Hours).ToArray());
    }

    /// <summary>
    /// Every reason this analysis cannot run with panes of <paramref name="pane"/>, each naming the offending values:
    /// a bad name, no windows, a length or slide that is not a positive multiple of the pane, a slide longer than its
    /// window, or an aggregate whose serialization fails or reads back a different accumulator (checked on a few
    /// sample reports). Empty when it can run.
    /// </summary>
    public IReadOnlyList<string> Errors(TimeSpan pane)
    {
        var errors = new List<string>();
        if (string.IsNullOrEmpty(Name) || !Name.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-'))
        {
            errors.Add($"the name \"{Name}\" must be letters, digits, '.', '_' or '-'");
        }

        if (Windows.Count == 0)
        {
            errors.Add("at least one window is needed");
        }

        foreach (var window in Windows)
        {
            errors.AddRange(window.Errors(pane, TimeSpan.FromDays(366)));
        }

        if (Windows.Distinct().Count() != Windows.Count)
        {
            errors.Add("a window definition is repeated");
        }

        if (RoundTripError() is { } roundTrip)
        {
            errors.Add(roundTrip);
        }

        return errors.Select(e => $"{Name}: {e}").ToArray();
    }

    /// <summary>"name: 1h sliding 1h, 6h sliding 1h": what group members compare.</summary>
    public override string ToString() => $"{Name}: {string.Join(", ", Windows)}";

    internal abstract object CreateAccumulator();

    internal abstract object Add(object accumulator, CrimeReport report);

    /// <summary>Adds <paramref name="other"/> to <paramref name="accumulator"/> (which it may change and return); <paramref name="other"/> never changes.</summary>
    internal abstract object Merge(object accumulator, object other);

    /// <summary>A new accumulator equal to <paramref name="accumulator"/>, which does not change.</summary>
    internal object Copy(object accumulator) => Merge(CreateAccumulator(), accumulator);

    /// <summary>Writes an accumulator of this analysis (a <c>TAccumulator</c>) with its aggregate's <c>Write</c>.</summary>
    public abstract void WriteAccumulator(Utf8JsonWriter writer, object accumulator);

    /// <summary>Reads an accumulator of this analysis with its aggregate's <c>Read</c>.</summary>
    public abstract object ReadAccumulator(JsonElement json);

    internal abstract object Result(object accumulator);

    /// <summary>The exact text of the result of <paramref name="accumulator"/>.</summary>
    internal string Format(object accumulator) => FormatResult(Result(accumulator));

    /// <summary>The exact text of a result <see cref="Result"/> returned.</summary>
    internal abstract string FormatResult(object result);

    /// <summary>The accumulator's JSON, as bytes.</summary>
    internal byte[] Serialize(object accumulator)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            WriteAccumulator(writer, accumulator);
        }

        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>A description of the first failure of Write → Read → Write on accumulators of sample reports; <see langword="null"/> when they round-trip.</summary>
    private string? RoundTripError()
    {
        try
        {
            var accumulator = CreateAccumulator();
            for (var i = 0; i <= SampleReports.Value.Length; i++)
            {
                var before = Serialize(accumulator);
                var back = ReadAccumulator(JsonDocument.Parse(before).RootElement);
                var again = Serialize(back);
                if (!before.AsSpan().SequenceEqual(again) || Format(back) != Format(accumulator))
                {
                    return $"the aggregate's accumulator does not read back as it was written: wrote {System.Text.Encoding.UTF8.GetString(before)}, read back {System.Text.Encoding.UTF8.GetString(again)} (give it a Write and Read that round-trip)";
                }

                if (i < SampleReports.Value.Length)
                {
                    accumulator = Add(accumulator, SampleReports.Value[i]);
                }
            }

            return null;
        }
        catch (Exception e)
        {
            return $"the aggregate failed on sample reports ({e.GetType().Name}: {e.Message})";
        }
    }

    private static readonly Lazy<CrimeReport[]> SampleReports = new(() =>
    {
        CrimeReport Report(string dr, string area, string description, int? age, string? premise, GeoPoint? location, int minutes) => new(
            new CrimeRecord
            {
                DrNumber = dr,
                DateOccurred = new DateOnly(2020, 1, 1),
                TimeOccurred = new TimeOnly(12, 0),
                AreaId = "01",
                AreaName = area,
                CrimeCode = "210",
                CrimeDescription = description,
                VictimAge = age,
                PremiseDescription = premise,
                Location = location,
            },
            new DateTimeOffset(2020, 1, 1, 13, minutes, 0, TimeSpan.Zero),
            1);
        return
        [
            Report("200100001", "Central", "ROBBERY", 34, "STREET", GeoPoint.Usc, 5),
            Report("200100002", "Southwest", "BURGLARY", null, null, null, 20),
            Report("200100003", "Central", "ASSAULT WITH DEADLY WEAPON, AGGRAVATED ASSAULT", 0, "SINGLE FAMILY DWELLING", new GeoPoint(34.05, -118.25), 40),
        ];
    });
}

/// <summary>An analysis of an <see cref="IWindowAggregate{CrimeReport, TAccumulator, TResult}"/>; see <see cref="WindowedAnalysis"/>.</summary>
public sealed class WindowedAnalysis<TAccumulator, TResult> : WindowedAnalysis
{
    internal WindowedAnalysis(string name, IWindowAggregate<CrimeReport, TAccumulator, TResult> aggregate, IReadOnlyList<WindowDefinition> windows)
        : base(name, windows)
    {
        Aggregate = aggregate;
    }

    /// <summary>The aggregate.</summary>
    public IWindowAggregate<CrimeReport, TAccumulator, TResult> Aggregate { get; }

    internal override object CreateAccumulator() => Aggregate.CreateAccumulator()!;

    internal override object Add(object accumulator, CrimeReport report) => Aggregate.Add((TAccumulator)accumulator, report)!;

    internal override object Merge(object accumulator, object other) => Aggregate.Merge((TAccumulator)accumulator, (TAccumulator)other)!;

    /// <inheritdoc/>
    public override void WriteAccumulator(Utf8JsonWriter writer, object accumulator) => Aggregate.Write(writer, (TAccumulator)accumulator);

    /// <inheritdoc/>
    public override object ReadAccumulator(JsonElement json) => Aggregate.Read(json)!;

    internal override object Result(object accumulator) => Aggregate.GetResult((TAccumulator)accumulator)!;

    internal override string FormatResult(object result) => Aggregate.Format((TResult)result);
}
