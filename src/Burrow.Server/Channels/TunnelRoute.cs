using Burrow.Server.Policy;

namespace Burrow.Server.Channels;

/// <summary>
/// One name served by one channel: what a public request resolves to, once. <see cref="DestinationPrefix"/> gives the
/// forwarder's connection pool one entry per (channel, name), so a pooled stream is only ever reused for the channel
/// and the local target it was opened for.
/// </summary>
internal sealed class TunnelRoute
{
    internal TunnelRoute(TunnelChannel channel, string name, string host, TunnelPolicy? policy = null)
    {
        Channel = channel;
        Name = name;
        Host = host;
        Policy = policy ?? TunnelPolicy.Open(host);
        DestinationPrefix = $"http://{name}.c{channel.Id}.tunnel/";
    }

    public TunnelChannel Channel { get; }

    /// <summary>The tunnel name ("demo").</summary>
    public string Name { get; }

    /// <summary>The public host, sent in OPEN so the agent knows which local target a stream is for.</summary>
    public string Host { get; }

    public string DestinationPrefix { get; }

    /// <summary>Who may visit, and the header rules: what the channel's agent registered for this name.</summary>
    public TunnelPolicy Policy { get; }
}
