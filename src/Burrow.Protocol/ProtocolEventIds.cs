namespace Burrow.Protocol;

/// <summary>
/// Log event ids of the protocol assembly (1000-1099), so operators can filter on them. The server and the agent keep
/// their own tables (ServerEventIds, AgentEventIds) in ranges that never overlap these.
/// </summary>
internal static class ProtocolEventIds
{
    public const int ChannelClosed = 1000;
    public const int ChannelProtocolError = 1001;
    public const int ChannelKeepaliveTimeout = 1002;
    public const int ChannelGoAwayReceived = 1003;
    public const int ChannelGoAwaySent = 1004;
    public const int StreamRefused = 1005;
    public const int ChannelWriterFailed = 1006;
    public const int ChannelLoopFailed = 1007;
}
