namespace Burrow.Protocol;

/// <summary>
/// Every log event id Burrow uses, in one table so ids never collide and operators can filter on them.
/// 1xxx protocol and channel, 2xxx server edge and registration, 4xxx agent.
/// </summary>
public static class LogEventIds
{
    // Mux connection (Burrow.Protocol)
    public const int ChannelClosed = 1000;
    public const int ChannelProtocolError = 1001;
    public const int ChannelKeepaliveTimeout = 1002;
    public const int ChannelGoAwayReceived = 1003;
    public const int ChannelGoAwaySent = 1004;
    public const int StreamRefused = 1005;
    public const int ChannelWriterFailed = 1006;
    public const int ChannelLoopFailed = 1007;

    // Channel listener (Burrow.Server/Channels)
    public const int HandshakeRejected = 1100;
    public const int ChannelAccepted = 1101;
    public const int ChannelRemoved = 1102;
    public const int ChannelRateLimited = 1103;
    public const int ChannelAcceptFailed = 1104;
    public const int ChannelConnectionFailed = 1105;
    public const int ChannelOverTunnelLimit = 1106;

    // Public edge and registration (Burrow.Server/Edge)
    public const int UnknownTunnel = 2000;
    public const int TunnelOffline = 2001;
    public const int ForwardFailed = 2002;
    public const int TunnelRegistered = 2003;
    public const int RegistrationRejected = 2004;
    public const int AuthenticationFailed = 2005;
    public const int ServerListening = 2006;
    public const int ServerStopping = 2007;
    public const int CertificateReloaded = 2008;
    public const int CertificateReloadFailed = 2009;
    public const int RegistrationRateLimited = 2010;

    // Automatic certificates (Burrow.Server/Acme): 2400-2499, listed in AcmeLogEventIds.

    // Agent (Burrow.Agent)
    public const int AgentOnline = 4000;
    public const int AgentReconnecting = 4001;
    public const int AgentPermanentError = 4005;
}
