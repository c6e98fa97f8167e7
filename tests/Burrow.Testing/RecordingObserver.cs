using System.Collections.Concurrent;
using Burrow.Agent;

namespace Burrow.Testing;

/// <summary>Records what an in-process agent reports, and lets tests wait for it to be online.</summary>
public sealed class RecordingObserver : IAgentObserver
{
    private TaskCompletionSource<IReadOnlyList<TunnelBinding>> _online = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public ConcurrentQueue<string> Events { get; } = new();

    public ConcurrentQueue<RequestSummary> Requests { get; } = new();

    public int OnlineCount;

    public int ConnectionsOpened;

    public Task<IReadOnlyList<TunnelBinding>> Online => _online.Task;

    /// <summary>Arms the next wait for "online" (after a reconnect).</summary>
    public void ExpectReconnect() => _online = new TaskCompletionSource<IReadOnlyList<TunnelBinding>>(TaskCreationOptions.RunContinuationsAsynchronously);

    public void OnOnline(IReadOnlyList<TunnelBinding> tunnels)
    {
        Interlocked.Increment(ref OnlineCount);
        Events.Enqueue("online");
        _online.TrySetResult(tunnels);
    }

    public void OnConnectionOpened(TunnelBinding tunnel) => Interlocked.Increment(ref ConnectionsOpened);

    public void OnReconnecting(TimeSpan delay, string reason, int attempt) => Events.Enqueue($"reconnecting: {reason}");

    public void OnLocalUnreachable(TunnelBinding tunnel, string error) => Events.Enqueue($"local unreachable: {error}");

    public void OnRequest(TunnelBinding tunnel, RequestSummary request) => Requests.Enqueue(request);

    public void OnStopped(string reason) => Events.Enqueue($"stopped: {reason}");
}
