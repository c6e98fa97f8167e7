using Burrow.Protocol.Mux;

namespace Burrow.Server.Channels;

/// <summary>The channel port and the channels agents hold on it. Configuration keys are the property names.</summary>
public sealed class ChannelOptions
{
    /// <summary>Address to listen on (default "*", all interfaces, IPv4 and IPv6). Shared with the public edge.</summary>
    public string ListenAddress { get; set; } = "*";

    /// <summary>Channel port agents connect to (default 7835; 0 picks a free port).</summary>
    public int ChannelPort { get; set; } = 7835;

    /// <summary>Deadline for a new channel connection's first message (default 5 s).</summary>
    public TimeSpan HandshakeTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Channels admitted per client network per minute (default 60); beyond it a channel is refused with GOAWAY.</summary>
    public int ChannelConnectionsPerMinute { get; set; } = 60;

    /// <summary>
    /// Failed handshakes per client network per minute (default 30). Past it the network's handshakes get a 1 s
    /// deadline and at most 2 at a time, and their failures are logged once per minute; successful handshakes never
    /// count against it, so garbage from an address does not lock out an agent behind the same address.
    /// </summary>
    public int FailedHandshakesPerMinute { get; set; } = 30;

    /// <summary>Handshakes in progress server-wide (default 1,000); beyond it new connections are answered BUSY.</summary>
    public int MaxHandshakesInProgress { get; set; } = 1000;

    /// <summary>Handshakes in progress per client network (default 16); beyond it new connections are answered BUSY.</summary>
    public int MaxHandshakesInProgressPerNetwork { get; set; } = 16;

    /// <summary>How often live channels are checked against revoked tokens (default 2 s).</summary>
    public TimeSpan RevocationCheckInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// Time in-flight requests get to finish when a channel drains: server shutdown, an agent's GOAWAY, a replaced
    /// channel (default 10 s). Upgraded connections (WebSockets) are not waited for: they are closed at once.
    /// </summary>
    public TimeSpan ShutdownGracePeriod { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Channel multiplexing limits (streams, windows, keepalive, budgets).</summary>
    public MuxOptions Mux { get; set; } = new();
}
