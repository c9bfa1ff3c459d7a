namespace CrimeStreaming.Tests;

/// <summary>Waiting for a condition that other threads make true, with a deadline instead of a fixed sleep.</summary>
internal static class Conditions
{
    public static async Task WaitFor(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException("condition not met within 10 s");
            }

            await Task.Delay(5);
        }
    }
}
