namespace Burrow.Agent.Inspection.Capture;

/// <summary>What went each way on a connection after a 101 Switching Protocols.</summary>
internal sealed class UpgradeCounters(string protocol)
{
    /// <summary>The Upgrade the server accepted, e.g. "websocket".</summary>
    public string Protocol { get; } = protocol;

    public bool IsWebSocket => Protocol.Equals("websocket", StringComparison.OrdinalIgnoreCase);

    /// <summary>Client to local server.</summary>
    public WebSocketFrameCounter Inbound { get; } = new();

    /// <summary>Local server to client.</summary>
    public WebSocketFrameCounter Outbound { get; } = new();
}
