using Burrow.Protocol.Mux;

namespace Burrow.Server.Channels;

/// <summary>A live, authenticated channel and the names it serves.</summary>
internal sealed class TunnelChannel
{
    public TunnelChannel(MuxConnection connection, PendingRegistration registration, string domain, string remoteEndPoint)
    {
        Connection = connection;
        UserId = registration.UserId;
        UserName = registration.UserName;
        TokenId = registration.TokenId;
        Names = registration.Names;
        Hosts = registration.Names.ToDictionary(name => name, name => $"{name}.{domain}", StringComparer.Ordinal);
        RemoteEndPoint = remoteEndPoint;
    }

    public MuxConnection Connection { get; }

    public long UserId { get; }

    public string UserName { get; }

    public long TokenId { get; }

    public IReadOnlyList<string> Names { get; }

    /// <summary>Public host per name, sent in OPEN so the agent knows which local target a stream is for.</summary>
    public IReadOnlyDictionary<string, string> Hosts { get; }

    public string RemoteEndPoint { get; }
}
