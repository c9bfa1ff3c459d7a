using System.Reactive.Linq;

namespace CrimeStreaming.Windowing;

/// <summary>
/// Windows by event time (the report time carried by each item) rather than by arrival: the answer Spark's DStream
/// cannot give when officers and Kafka partitions deliver reports out of order.
/// </summary>
/// <remarks>
/// <para>Windows are [origin + k × slide, origin + k × slide + length). The watermark is the greatest event time seen
/// minus the allowed disorder. An item is added to every window containing its time that is still open; a window is
/// emitted <b>once</b>, when the watermark reaches its end, and is then released, so memory holds only open windows.
/// When the source completes, the open windows are emitted. Results come in window order.</para>
/// <para>An item whose windows have all been emitted is late: it goes to the <c>late</c> observer (to count or to
/// store) and into no window. Windows that received no item are not emitted. The <c>late</c> observer completes
/// (or fails) with the source, after the last windows have been flushed.</para>
/// <para>When the source fails, or <c>eventTime</c>, <c>seed</c> or <c>accumulate</c> throws, the open windows are
/// discarded (not flushed: they are incomplete) and the error is passed on to both observers.</para>
/// <para>Concurrent producers (officers on an accelerated clock) are serialised, so the watermark and the open windows
/// are updated by one call at a time.</para>
/// <para>No scheduler is involved: event time advances with the data, so results are the same on any clock. That is
/// also why results are an <see cref="IObservable{T}"/> of <see cref="Windowed{T}"/> values and not a
/// <see cref="DStream{T}"/>: a window is emitted when the data moves the watermark past it, so emissions come at no
/// interval (several at once when the watermark jumps, none while it stands still, never for windows without items),
/// and a DStream's batch interval and scheduler would be a promise these windows cannot keep. Transform them with Rx
/// (<c>Select</c>, <c>Where</c>).</para>
/// <para>Extreme event times (year 1, year 9999) and far origins do not overflow: window bounds that would fall outside
/// the calendar are clamped to <see cref="DateTimeOffset.MinValue"/> or <see cref="DateTimeOffset.MaxValue"/> (in UTC
/// where the origin's offset cannot be kept).</para>
/// </remarks>
public static class EventTimeWindowExtensions
{
    /// <summary>Aggregates items into sliding (or, with slide = length, tumbling) event-time windows.</summary>
    /// <param name="source">The items.</param>
    /// <param name="eventTime">The event time of an item, e.g. its report time.</param>
    /// <param name="windowLength">The window length; positive.</param>
    /// <param name="slide">Distance between window starts; positive and at most <paramref name="windowLength"/>.</param>
    /// <param name="allowedDisorder">How far behind the latest event time an item may arrive and still count; not negative.</param>
    /// <param name="seed">A new window's empty aggregate.</param>
    /// <param name="accumulate">Adds an item to an aggregate.</param>
    /// <param name="late">Receives the items that arrived after all their windows were emitted. The default drops them (they are still excluded from results).</param>
    /// <param name="origin">What windows are aligned to. The default value is the Unix epoch, so hour windows start on the hour.</param>
    public static IObservable<Windowed<TAggregate>> EventTimeWindows<T, TAggregate>(
        this IObservable<T> source,
        Func<T, DateTimeOffset> eventTime,
        TimeSpan windowLength,
        TimeSpan slide,
        TimeSpan allowedDisorder,
        Func<TAggregate> seed,
        Func<TAggregate, T, TAggregate> accumulate,
        IObserver<T>? late = null,
        DateTimeOffset? origin = null)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(eventTime);
        ArgumentNullException.ThrowIfNull(seed);
        ArgumentNullException.ThrowIfNull(accumulate);
        if (windowLength <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(windowLength), windowLength, "The window length must be positive.");
        }

        if (slide <= TimeSpan.Zero || slide > windowLength)
        {
            throw new ArgumentOutOfRangeException(nameof(slide), slide, "The slide must be positive and at most the window length.");
        }

        if (allowedDisorder < TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(allowedDisorder), allowedDisorder, "The allowed disorder must not be negative.");
        }

        var align = origin ?? DateTimeOffset.UnixEpoch;
        return Observable.Create<Windowed<TAggregate>>(observer =>
        {
            var open = new SortedDictionary<long, TAggregate>(); // window start (UTC ticks) -> aggregate
            var maxSeen = long.MinValue;
            var length = windowLength.Ticks;
            var step = slide.Ticks;
            var originTicks = align.UtcTicks;

            long Watermark() => maxSeen == long.MinValue ? long.MinValue : maxSeen - allowedDisorder.Ticks;

            // Window bounds beyond the ends of the calendar (extreme event times, far origins) are clamped, not overflowed.
            DateTimeOffset ToTime(long utcTicks) => SaturatingTime.FromUtcTicks(utcTicks, align.Offset);

            long EndOf(long start) => SaturatingTime.AddTicks(start, length);

            void EmitUpTo(long watermark)
            {
                while (open.Count > 0)
                {
                    var (start, aggregate) = open.First();
                    if (EndOf(start) > watermark)
                    {
                        break;
                    }

                    open.Remove(start);
                    observer.OnNext(new Windowed<TAggregate>(ToTime(start), ToTime(EndOf(start)), aggregate));
                }
            }

            var stopped = false;

            void Fail(Exception error)
            {
                stopped = true;
                open.Clear();
                late?.OnError(error);
                observer.OnError(error);
            }

            return source.Synchronize().Subscribe(
                item =>
                {
                    if (stopped)
                    {
                        return;
                    }

                    var isLate = false;
                    var advanced = false;
                    try
                    {
                        var t = eventTime(item).UtcTicks;
                        var watermark = Watermark();
                        var accepted = false;
                        var last = originTicks + (FloorDiv(t - originTicks, step) * step);
                        for (var start = last; EndOf(start) > t; start = SaturatingTime.AddTicks(start, -step))
                        {
                            if (EndOf(start) <= watermark)
                            {
                                break; // this window and every earlier one have been emitted
                            }

                            open[start] = accumulate(open.TryGetValue(start, out var aggregate) ? aggregate : seed(), item);
                            accepted = true;
                        }

                        isLate = !accepted;
                        if (t > maxSeen)
                        {
                            maxSeen = t;
                            advanced = true;
                        }
                    }
                    catch (Exception e)
                    {
                        // A failing selector or aggregate ends the stream, as in Rx's own operators.
                        Fail(e);
                        return;
                    }

                    if (isLate)
                    {
                        late?.OnNext(item);
                    }

                    if (advanced)
                    {
                        EmitUpTo(Watermark());
                    }
                },
                error =>
                {
                    if (!stopped)
                    {
                        Fail(error);
                    }
                },
                () =>
                {
                    if (stopped)
                    {
                        return;
                    }

                    stopped = true;
                    EmitUpTo(long.MaxValue);
                    late?.OnCompleted();
                    observer.OnCompleted();
                });
        });
    }

    /// <summary>Counts items per key in event-time windows (see <see cref="EventTimeWindows{T, TAggregate}"/>).</summary>
    public static IObservable<Windowed<IReadOnlyDictionary<TKey, long>>> CountByKeyInEventTimeWindows<T, TKey>(
        this IObservable<T> source,
        Func<T, DateTimeOffset> eventTime,
        Func<T, TKey> keySelector,
        TimeSpan windowLength,
        TimeSpan slide,
        TimeSpan allowedDisorder,
        IObserver<T>? late = null,
        DateTimeOffset? origin = null)
        where TKey : notnull
    {
        ArgumentNullException.ThrowIfNull(keySelector);
        return source.EventTimeWindows(
                eventTime,
                windowLength,
                slide,
                allowedDisorder,
                () => new Dictionary<TKey, long>(),
                (counts, item) =>
                {
                    var key = keySelector(item);
                    counts[key] = counts.GetValueOrDefault(key) + 1;
                    return counts;
                },
                late,
                origin)
            .Select(w => new Windowed<IReadOnlyDictionary<TKey, long>>(w.Start, w.End, w.Value));
    }

    private static long FloorDiv(long a, long b)
    {
        var quotient = a / b;
        return a % b != 0 && a < 0 ? quotient - 1 : quotient;
    }
}
