namespace Burrow.Server;

/// <summary>
/// Log event ids of the server, one range per feature so ids never collide and operators can filter on them
/// (the protocol assembly uses 1000-1099, the agent 4000-4199).
/// </summary>
internal static class ServerEventIds
{
    // Channels/ (1100-1199)
    public const int HandshakeRejected = 1100;
    public const int ChannelAccepted = 1101;
    public const int ChannelRemoved = 1102;
    public const int ChannelRateLimited = 1103;
    public const int ChannelAcceptFailed = 1104;
    public const int ChannelConnectionFailed = 1105;
    public const int ChannelOverTunnelLimit = 1106;
    public const int ChannelNamesUnavailable = 1107;
    public const int ChannelRevoked = 1108;
    public const int ChannelHealthChanged = 1109;
    public const int ChannelsDraining = 1110;

    // Edge/ (2000-2099)
    public const int UnknownTunnel = 2000;
    public const int TunnelOffline = 2001;
    public const int ForwardFailed = 2002;
    public const int PlainHttpApiRefused = 2011;
    public const int BudgetSpent = 2012;
    public const int ConnectionRefused = 2013;
    public const int MemoryReclaimed = 2014;

    // Registration/ (2100-2199)
    public const int TunnelRegistered = 2003;
    public const int RegistrationRejected = 2004;
    public const int AuthenticationFailed = 2005;
    public const int RegistrationRateLimited = 2010;
    public const int NamesReleased = 2100;

    // Hosting/ and Certificates/ (2200-2299)
    public const int ServerListening = 2006;
    public const int ServerStopping = 2007;
    public const int CertificateReloaded = 2008;
    public const int CertificateReloadFailed = 2009;

    // Policy/ (2500-2599): visitor policies and single sign-on (issue 15)
    public const int VisitorAddressRefused = 2500;
    public const int VisitorBasicAuthFailed = 2501;
    public const int SignedIn = 2502;
    public const int SignOnRefused = 2503;
    public const int SignOnFailed = 2504;
    public const int PolicyRefused = 2505;
}
