using Burrow.Agent;

namespace Burrow.BenchTools.Tunnels;

/// <summary>
/// <c>idle-tunnels SERVER USER TOKEN COUNT PORT</c>: COUNT real <see cref="BurrowAgent"/>s in this process, one tunnel
/// (idle-N) each, forwarding to 127.0.0.1:PORT, started fifty at a time. Prints "ready N" once every agent is online or
/// has stopped for good (N counts the online ones; the first refusal is printed before it), then holds them until
/// stopped (at most 10 minutes). Each agent keeps its own registration connection, as separate machines would, so
/// this is for the per-tunnel memory figure at about a thousand tunnels; <see cref="IdleChannelFleet"/> is the one for
/// ten thousand.
/// </summary>
internal static class IdleAgentFleet
{
    private static readonly TimeSpan BatchTimeout = TimeSpan.FromSeconds(60);

    public static async Task<int> RunAsync(Uri server, string user, string token, int count, int localPort, CancellationToken stop)
    {
        var agents = new List<Task>();
        var observers = new List<OnlineObserver>();
        var settled = new List<Task>();
        for (var i = 0; i < count && !stop.IsCancellationRequested; i++)
        {
            var observer = new OnlineObserver();
            var agent = new BurrowAgent(new AgentOptions
            {
                Server = server,
                User = user,
                Token = token,
                Tunnels = [new TunnelTarget($"idle-{i}", "127.0.0.1", localPort)],
            }, observer);
            var run = agent.RunAsync(stop);
            agents.Add(run);
            observers.Add(observer);
            settled.Add(Task.WhenAny(observer.Online, run));
            if (i % 50 == 49 || i == count - 1)
            {
                // Fifty at a time: a burst of a thousand registrations would measure the rate limiter instead.
                await Task.WhenAny(Task.WhenAll(settled), Task.Delay(BatchTimeout, stop));
            }
        }

        var refusal = agents.FirstOrDefault(a => a.IsFaulted)?.Exception?.InnerException?.Message;
        if (refusal is not null)
        {
            Console.WriteLine($"first failure: {refusal.ReplaceLineEndings(" ")}");
        }

        Console.WriteLine($"ready {observers.Count(o => o.Online.IsCompleted)}");
        try
        {
            await Task.Delay(TimeSpan.FromMinutes(10), stop);
        }
        catch (OperationCanceledException)
        {
        }

        try
        {
            await Task.WhenAll(agents).WaitAsync(TimeSpan.FromSeconds(15), CancellationToken.None);
        }
        catch (Exception ex) when (ex is TimeoutException or AgentException)
        {
            // Stopping anyway; the first refusal was printed above.
        }

        return 0;
    }
}
