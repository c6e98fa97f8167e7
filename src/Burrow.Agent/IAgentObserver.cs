namespace Burrow.Agent;

/// <summary>
/// What the agent reports while it runs: the console (live or line-by-line) and tests subscribe. Calls come from
/// the agent's own tasks; implementations must be quick and thread-safe.
/// </summary>
public interface IAgentObserver
{
    void OnConnecting(Uri server, int attempt)
    {
    }

    void OnOnline(IReadOnlyList<TunnelBinding> tunnels)
    {
    }

    void OnReconnecting(TimeSpan delay, string reason, int attempt)
    {
    }

    void OnLocalUnreachable(TunnelBinding tunnel, string problem)
    {
    }

    void OnConnectionOpened(TunnelBinding tunnel)
    {
    }

    void OnConnectionClosed(TunnelBinding tunnel)
    {
    }

    void OnRequest(TunnelBinding tunnel, RequestSummary request)
    {
    }

    /// <summary>The local server behind <paramref name="tunnel"/> started or stopped answering its health check.</summary>
    void OnHealthChanged(TunnelBinding tunnel, bool serving)
    {
    }

    /// <summary>
    /// Ctrl-C: the agent told the server it is going (GOAWAY), closed its upgraded connections (WebSockets) and waits
    /// for <paramref name="requests"/> requests still in flight, at most <see cref="AgentOptions.DrainTimeout"/>.
    /// Called when the drain starts and again whenever the number changes; <see cref="BurrowAgent.StopNow"/> ends it.
    /// </summary>
    void OnDraining(int requests)
    {
    }

    /// <summary>The agent stopped: <paramref name="reason"/> is null when the user stopped it, else what stopped it.</summary>
    void OnStopped(string? reason)
    {
    }
}
