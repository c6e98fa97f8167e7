using Burrow.Agent;

namespace Burrow.BenchTools.Tunnels;

/// <summary>
/// <c>idle-tunnels SERVER USER TOKEN COUNT PORT</c>: COUNT real <see cref="BurrowAgent"/>s in this process, one tunnel
/// (idle-N) each, forwarding to 127.0.0.1:PORT; prints "ready N" once all are online (or as many as came online within
/// two minutes), then holds them until stopped (at most 10 minutes). Each agent keeps its own registration connection, as separate machines would, so this is for
/// the per-tunnel memory figure at about a thousand tunnels; <see cref="IdleChannelFleet"/> is the one for ten thousand.
/// </summary>
internal static class IdleAgentFleet
{
    public static async Task<int> RunAsync(Uri server, string user, string token, int count, int localPort, CancellationToken stop)
    {
        var online = 0;
        var agents = new List<Task>();
        var observers = new List<Task>();
        for (var i = 0; i < count; i++)
        {
            var observer = new OnlineObserver();
            var agent = new BurrowAgent(new AgentOptions
            {
                Server = server,
                User = user,
                Token = token,
                Tunnels = [new TunnelTarget($"idle-{i}", "127.0.0.1", localPort)],
            }, observer);
            agents.Add(agent.RunAsync(stop));
            observers.Add(observer.Online.ContinueWith(_ => Interlocked.Increment(ref online), TaskScheduler.Default));
            if (i % 50 == 49)
            {
                // Fifty at a time, as before: a burst of a thousand registrations would measure the rate limiter.
                await Task.WhenAny(Task.WhenAll(observers), Task.Delay(TimeSpan.FromSeconds(60), stop));
            }
        }

        try
        {
            await Task.WhenAll(observers).WaitAsync(TimeSpan.FromSeconds(120), stop);
        }
        catch (TimeoutException)
        {
            // Report how many made it; bench.py divides by that, not by COUNT.
        }

        Console.WriteLine($"ready {Volatile.Read(ref online)}");
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
            // Stopping anyway; an agent that failed for good already said why on stderr.
        }

        return 0;
    }
}
