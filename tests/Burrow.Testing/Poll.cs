namespace Burrow.Testing;

/// <summary>
/// Awaits a condition that no event announces (a buffer filling up, a count reaching zero), checking it every few
/// milliseconds until a deadline. Not a sleep: it returns as soon as the condition holds, and fails loudly if it never does.
/// </summary>
public static class Poll
{
    public static async Task UntilAsync(Func<bool> condition, string what, TimeSpan? timeout = null)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(5));
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(15));
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
