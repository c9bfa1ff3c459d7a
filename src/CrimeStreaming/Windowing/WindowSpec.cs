namespace CrimeStreaming.Windowing;

/// <summary>Checks and converts a (length, slide) window over batches of a given interval.</summary>
internal readonly record struct WindowSpec(int LengthBatches, int SlideBatches)
{
    public static WindowSpec Create(TimeSpan batchInterval, TimeSpan length, TimeSpan slide, string lengthName = "windowLength", string slideName = "slideInterval")
    {
        if (length <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(lengthName, length, "The window length must be positive.");
        }

        if (slide <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(slideName, slide, "The slide interval must be positive.");
        }

        if (length.Ticks % batchInterval.Ticks != 0)
        {
            throw new ArgumentException($"The window length ({length}) must be a multiple of the batch interval ({batchInterval}).", lengthName);
        }

        if (slide.Ticks % batchInterval.Ticks != 0)
        {
            throw new ArgumentException($"The slide interval ({slide}) must be a multiple of the batch interval ({batchInterval}).", slideName);
        }

        return new WindowSpec(checked((int)(length.Ticks / batchInterval.Ticks)), checked((int)(slide.Ticks / batchInterval.Ticks)));
    }
}
