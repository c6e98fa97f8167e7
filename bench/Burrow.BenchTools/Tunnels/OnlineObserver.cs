using Burrow.Agent;

namespace Burrow.BenchTools.Tunnels;

/// <summary>Completes <see cref="Online"/> when the agent reports its tunnels routable.</summary>
internal sealed class OnlineObserver : IAgentObserver
{
    private readonly TaskCompletionSource _online = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Task Online => _online.Task;

    public void OnOnline(IReadOnlyList<TunnelBinding> tunnels) => _online.TrySetResult();
}
