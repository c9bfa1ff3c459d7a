namespace CrimeStreaming;

/// <summary>
/// One run's deal of reports to officers: every round of N reports (in input order) goes to the N officers in a freshly
/// shuffled order. That is a random split whose part sizes differ by at most one, and it needs no second pass over the
/// data, so reports can be assigned while they stream from the input.
/// </summary>
/// <remarks>
/// A <see cref="CrimeStreamer"/> makes one deck per preparation, seeded from <see cref="CrimeStreamerOptions.Seed"/>, and
/// hands it to <c>AssignOfficer</c>. A subclass with its own rule may still draw from <see cref="Random"/> (seeded, so a
/// run stays reproducible) or fall back to <see cref="Deal"/> for some records.
/// </remarks>
public sealed class OfficerDeck
{
    private readonly int[] _order;
    private int _position;

    internal OfficerDeck(int officers, Random random)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(officers, 1);
        ArgumentNullException.ThrowIfNull(random);
        Officers = officers;
        Random = random;
        _order = new int[officers];
        _position = officers;
    }

    /// <summary>How many officers there are; they are numbered 1 to <see cref="Officers"/>.</summary>
    public int Officers { get; }

    /// <summary>The run's seeded generator for officer assignment (the deal draws from it).</summary>
    public Random Random { get; }

    /// <summary>The next officer of the deal: each round of <see cref="Officers"/> calls returns every officer once, in a fresh random order.</summary>
    public int Deal()
    {
        if (_position == Officers)
        {
            for (var i = 0; i < Officers; i++)
            {
                _order[i] = i + 1;
            }

            Random.Shuffle(_order);
            _position = 0;
        }

        return _order[_position++];
    }
}
