using Burrow.Protocol;
using Burrow.Protocol.Handshake;
using Burrow.Protocol.Mux;
using Burrow.Server.Hosting;
using Burrow.Protocol.Transport;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Burrow.Server.Channels;

/// <summary>
/// Serves one connection accepted on the channel port (see <see cref="ChannelListener"/>): runs the handshake, then
/// hands the transport to a <see cref="MuxConnection"/> and keeps the tunnel registered for as long as the channel
/// lives. A rejected first message just closes the connection; the reason goes to the server log only.
/// </summary>
internal sealed partial class ChannelConnectionHandler
{
    private readonly PendingChannelTable _pending;
    private readonly TunnelRegistry _registry;
    private readonly ChannelRateLimiter _rateLimiter;
    private readonly BurrowServerOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly ILogger _muxLogger;

    public ChannelConnectionHandler(
        PendingChannelTable pending,
        TunnelRegistry registry,
        ChannelRateLimiter rateLimiter,
        IOptions<BurrowServerOptions> options,
        TimeProvider time,
        ILoggerFactory loggerFactory)
    {
        _pending = pending;
        _registry = registry;
        _rateLimiter = rateLimiter;
        _options = options.Value;
        _time = time;
        _logger = loggerFactory.CreateLogger<ChannelConnectionHandler>();
        _muxLogger = loggerFactory.CreateLogger<MuxConnection>();
    }

    /// <summary>Runs the connection to its end; the caller closes the transport afterwards.</summary>
    public async Task HandleAsync(SocketTransport connection, CancellationToken cancellationToken)
    {
        var remoteEndPoint = connection.RemoteEndPoint;
        var remote = remoteEndPoint?.ToString() ?? "unknown";
        if (!_rateLimiter.TryAcquire(remoteEndPoint?.Address))
        {
            Log.RateLimited(_logger, remote);
            return;
        }

        ServerHandshakeResult result;
        try
        {
            result = await ChannelHandshake.AcceptAsync(connection, _pending, _options.HandshakeTimeout, _time, cancellationToken);
        }
        catch (HandshakeException ex)
        {
            Log.HandshakeRejected(_logger, remote, ex.Failure, ex.Message);
            return;
        }
        catch (Exception ex) when (TransportFailure.Is(ex))
        {
            Log.HandshakeRejected(_logger, remote, HandshakeFailure.Truncated, ex.Message);
            return;
        }

        var registration = _pending.Find(result.Id);
        if (registration is null)
        {
            Log.HandshakeRejected(_logger, remote, HandshakeFailure.Expired, "The registration expired during the handshake.");
            return;
        }

        var mux = new MuxConnection(connection, result.Keys, isServer: true, _options.Mux, _muxLogger, _time, $"{string.Join(',', registration.Names)}@{remote}");
        var channel = new TunnelChannel(mux, registration, _options.Domain, remote);

        // An agent that says GOAWAY is leaving: route no new requests to it, let in-flight ones finish, then close.
        mux.GoAwayReceived += (_, _, _) =>
        {
            _registry.Remove(channel);
            _ = channel.DrainAndCloseAsync(_options.ShutdownGracePeriod, "agent went away", _time);
        };
        if (!_registry.TryAdd(channel, registration.MaxTunnels, out var replacedChannels))
        {
            // Several registrations raced past the limit check; this channel is the one too many. Tell the agent why.
            Log.OverTunnelLimit(_logger, registration.UserName, string.Join(',', registration.Names), remote, registration.MaxTunnels);
            // Closed before it starts, so the GOAWAY is the only record the agent gets: it never counts as online.
            mux.Abort(ProtocolErrorCode.LimitExceeded, $"User {registration.UserName} may have {registration.MaxTunnels} live tunnels.");
            mux.Start();
            await mux.Completion;
            return;
        }

        foreach (var replaced in replacedChannels)
        {
            replaced.Connection.Abort(ProtocolErrorCode.NoError, "replaced by a newer channel for the same name");
        }

        Log.ChannelAccepted(_logger, registration.UserName, string.Join(',', registration.Names), remote);
        mux.Start();
        var reason = await mux.Completion;
        _registry.Remove(channel);
        Log.ChannelRemoved(_logger, string.Join(',', registration.Names), remote, reason.Code, reason.Message);
    }

    private static partial class Log
    {
        [LoggerMessage(LogEventIds.HandshakeRejected, LogLevel.Warning, "Channel connection from {Remote} rejected ({Failure}): {Detail}")]
        public static partial void HandshakeRejected(ILogger logger, string remote, HandshakeFailure failure, string detail);

        [LoggerMessage(LogEventIds.ChannelRateLimited, LogLevel.Warning, "Channel connection from {Remote} closed: too many connections from this address")]
        public static partial void RateLimited(ILogger logger, string remote);

        [LoggerMessage(LogEventIds.ChannelOverTunnelLimit, LogLevel.Warning, "Channel for {User} serving {Names} from {Remote} refused: over the limit of {MaxTunnels} live tunnels")]
        public static partial void OverTunnelLimit(ILogger logger, string user, string names, string remote, int maxTunnels);

        [LoggerMessage(LogEventIds.ChannelAccepted, LogLevel.Information, "Channel for {User} serving {Names} connected from {Remote}")]
        public static partial void ChannelAccepted(ILogger logger, string user, string names, string remote);

        [LoggerMessage(LogEventIds.ChannelRemoved, LogLevel.Information, "Channel serving {Names} from {Remote} removed: {Code} {Reason}")]
        public static partial void ChannelRemoved(ILogger logger, string names, string remote, ProtocolErrorCode code, string reason);
    }
}
