using System.Reactive.Concurrency;
using System.Reactive.Disposables;
using System.Reactive.Linq;

namespace CrimeStreaming.Windowing;

/// <summary>Cuts a stream into batches at origin + k × interval on a scheduler.</summary>
internal static class Batcher
{
    public static IObservable<Batch<T>> Create<T>(IObservable<T> source, TimeSpan interval, IScheduler scheduler, DateTimeOffset? origin) =>
        Observable.Create<Batch<T>>(observer =>
        {
            var gate = new object();
            var start = origin ?? scheduler.Now;
            var buffer = new List<T>();
            var index = 0L;
            var done = false;

            // Batch k ends at start + k × interval; at the end of the calendar the times stop there instead of overflowing.
            DateTimeOffset End(long k) => SaturatingTime.Add(start, TimeSpan.FromTicks(SaturatingTime.MultiplyTicks(k, interval.Ticks)));

            void Emit(DateTimeOffset end)
            {
                var items = buffer;
                // Batches of a steady stream are alike: start the next one at this one's size (capped) to skip regrowth.
                buffer = new List<T>(Math.Min(items.Count, 4096));
                observer.OnNext(new Batch<T>(SaturatingTime.Add(end, -interval), end, items));
            }

            // Absolute due times (start + k × interval) keep batch boundaries exact: no drift from relative timers.
            var timer = scheduler.Schedule(End(1), End(1), (DateTimeOffset due, Action<DateTimeOffset, DateTimeOffset> self) =>
            {
                lock (gate)
                {
                    if (done)
                    {
                        return;
                    }

                    index++;
                    Emit(due);
                }

                var next = End(index + 1);
                if (next > due)
                {
                    self(next, next); // else the calendar has ended: the remaining items go into the final batch on completion
                }
            });

            var subscription = source.Subscribe(
                item =>
                {
                    lock (gate)
                    {
                        if (!done)
                        {
                            buffer.Add(item);
                        }
                    }
                },
                error =>
                {
                    lock (gate)
                    {
                        done = true;
                        observer.OnError(error);
                    }
                },
                () =>
                {
                    lock (gate)
                    {
                        if (done)
                        {
                            return;
                        }

                        done = true;
                        Emit(End(index + 1));
                        observer.OnCompleted();
                    }
                });

            return new CompositeDisposable(subscription, timer, Disposable.Create(() =>
            {
                lock (gate)
                {
                    done = true;
                }
            }));
        });
}
