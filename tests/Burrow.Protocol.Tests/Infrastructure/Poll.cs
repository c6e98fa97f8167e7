namespace Burrow.Protocol.Tests.Infrastructure;

/// <summary>Awaits a condition that no event announces (a buffer filling up), checking it every few milliseconds until a deadline.</summary>
internal static class Poll
{
    public static async Task UntilAsync(Func<bool> condition, string what, TimeSpan? timeout = null)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(5));
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(10));
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Timed out waiting for {what}.");
            }

            await timer.WaitForNextTickAsync();
        }
    }
}
