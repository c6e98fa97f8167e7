using System.Collections.Concurrent;
using Burrow.Agent;

namespace Burrow.Testing;

/// <summary>
/// Records what an in-process agent reports, and lets tests wait for it to be online. Every event also goes on to
/// <c>next</c> when given (a real console under test, for instance).
/// </summary>
public sealed class RecordingObserver(IAgentObserver? next = null) : IAgentObserver
{
    private readonly IAgentObserver? _next = next;
    private readonly ChangeSignal _changed = new();
    private TaskCompletionSource<IReadOnlyList<TunnelBinding>> _online = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public ConcurrentQueue<string> Events { get; } = new();

    public ConcurrentQueue<RequestSummary> Requests { get; } = new();

    private int _onlineCount;
    private int _connectionsOpened;

    public int OnlineCount => Volatile.Read(ref _onlineCount);

    public int ConnectionsOpened => Volatile.Read(ref _connectionsOpened);

    public Task<IReadOnlyList<TunnelBinding>> Online => _online.Task;

    /// <summary>Completes once the agent has reported at least <paramref name="count"/> requests.</summary>
    public Task WaitForRequestsAsync(int count, TimeSpan? timeout = null)
        => _changed.WaitUntilAsync(() => Requests.Count >= count, timeout ?? TimeSpan.FromSeconds(10), () => $"{Requests.Count} of {count} requests reported.");

    /// <summary>Completes once an event containing <paramref name="text"/> was reported ("reconnecting: ...", "stopped: ...").</summary>
    public Task WaitForEventAsync(string text, TimeSpan? timeout = null)
        => _changed.WaitUntilAsync(
            () => Events.Any(e => e.Contains(text, StringComparison.Ordinal)),
            timeout ?? TimeSpan.FromSeconds(15),
            () => $"no event containing '{text}'; seen: {string.Join(" | ", Events)}");

    /// <summary>Arms the next wait for "online" (after a reconnect).</summary>
    public void ExpectReconnect() => _online = new TaskCompletionSource<IReadOnlyList<TunnelBinding>>(TaskCreationOptions.RunContinuationsAsynchronously);

    public void OnConnecting(Uri server, int attempt) => _next?.OnConnecting(server, attempt);

    public void OnOnline(IReadOnlyList<TunnelBinding> tunnels)
    {
        Interlocked.Increment(ref _onlineCount);
        Events.Enqueue("online");
        _changed.Pulse();
        _next?.OnOnline(tunnels);
        _online.TrySetResult(tunnels);
    }

    public void OnConnectionOpened(TunnelBinding tunnel)
    {
        Interlocked.Increment(ref _connectionsOpened);
        _next?.OnConnectionOpened(tunnel);
    }

    public void OnConnectionClosed(TunnelBinding tunnel) => _next?.OnConnectionClosed(tunnel);

    public void OnReconnecting(TimeSpan delay, string reason, int attempt)
    {
        Events.Enqueue($"reconnecting: {reason}");
        _changed.Pulse();
        _next?.OnReconnecting(delay, reason, attempt);
    }

    public void OnLocalUnreachable(TunnelBinding tunnel, string problem)
    {
        Events.Enqueue($"local unreachable: {problem}");
        _changed.Pulse();
        _next?.OnLocalUnreachable(tunnel, problem);
    }

    public void OnRequest(TunnelBinding tunnel, RequestSummary request)
    {
        Requests.Enqueue(request);
        _changed.Pulse();
        _next?.OnRequest(tunnel, request);
    }

    public void OnDraining(int requests)
    {
        Events.Enqueue($"draining {requests}");
        _changed.Pulse();
        _next?.OnDraining(requests);
    }

    public void OnStopped(string? reason)
    {
        Events.Enqueue(reason is null ? "stopped" : $"stopped: {reason}");
        _changed.Pulse();
        _next?.OnStopped(reason);
    }
}
