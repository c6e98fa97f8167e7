namespace Burrow.Testing;

/// <summary>
/// Lets a test await a condition over state that other threads change: whoever changes the state calls
/// <see cref="Pulse"/>, and each waiter re-checks its condition then, instead of polling on a timer.
/// </summary>
public sealed class ChangeSignal
{
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Wakes every waiter to check its condition again.</summary>
    public void Pulse()
        => Interlocked.Exchange(ref _changed, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();

    /// <summary>
    /// Completes once <paramref name="condition"/> holds; throws <see cref="TimeoutException"/> with
    /// <paramref name="describe"/>'s text when it still does not after <paramref name="timeout"/>.
    /// </summary>
    public async Task WaitUntilAsync(Func<bool> condition, TimeSpan timeout, Func<string> describe)
    {
        using var deadline = new CancellationTokenSource(timeout);
        while (true)
        {
            // Taken before the check, so a change between the check and the wait still wakes us.
            var changed = Volatile.Read(ref _changed).Task;
            if (condition())
            {
                return;
            }

            try
            {
                await changed.WaitAsync(deadline.Token);
            }
            catch (OperationCanceledException) when (deadline.IsCancellationRequested)
            {
                if (condition())
                {
                    return;
                }

                throw new TimeoutException($"Still waiting after {timeout.TotalSeconds:0.#} s: {describe()}");
            }
        }
    }
}
