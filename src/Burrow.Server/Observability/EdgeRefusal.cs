namespace Burrow.Server.Observability;

/// <summary>Why the edge answered a public request itself instead of forwarding it (label <c>reason</c>).</summary>
internal enum EdgeRefusal
{
    /// <summary>503: the server's memory budget is spent.</summary>
    MemoryBudget,

    /// <summary>503: the tunnel's user has too many requests in flight.</summary>
    UserRequests,

    /// <summary>404: no tunnel has this name.</summary>
    UnknownTunnel,

    /// <summary>502: the name is held, but no agent is connected or none reports its local server serving.</summary>
    TunnelOffline,

    /// <summary>503: the channel carries its maximum of streams.</summary>
    ChannelStreams,

    /// <summary>502/504: forwarding through the tunnel failed (local server unreachable, timeout, lost channel).</summary>
    ForwardFailed,
}
