using Burrow.Protocol;
using Burrow.Protocol.Handshake;
using Burrow.Protocol.Mux;
using Burrow.Protocol.Mux.FlowControl;
using Burrow.Protocol.Transport;
using Burrow.Server.Naming;
using Burrow.Server.Registration;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Burrow.Server.Channels;

/// <summary>
/// Takes one connection accepted on the channel port from handshake to close: handshake budgets, the handshake, the
/// registration's names claimed (<see cref="Registrar.Admit"/>), the channel routed (<see cref="TunnelRegistry.TryAdd"/>),
/// then it runs until its connection ends. A rejected first message just closes the connection; the reason goes to the
/// server log only. A channel refused after the handshake gets a GOAWAY that says why as its only record.
/// </summary>
internal sealed partial class ChannelAdmission
{
    private readonly PendingRegistrations _pending;
    private readonly Registrar _registrar;
    private readonly TunnelRegistry _registry;
    private readonly HandshakeLimiter _limiter;
    private readonly PublicAddresses _addresses;
    private readonly BufferBudget _budget;
    private readonly ChannelOptions _options;
    private readonly ChannelMetrics _metrics;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly ILogger _muxLogger;

    public ChannelAdmission(
        PendingRegistrations pending,
        Registrar registrar,
        TunnelRegistry registry,
        HandshakeLimiter limiter,
        PublicAddresses addresses,
        BufferBudget budget,
        IOptions<ChannelOptions> options,
        ChannelMetrics metrics,
        TimeProvider time,
        ILoggerFactory loggerFactory)
    {
        _metrics = metrics;
        _pending = pending;
        _registrar = registrar;
        _registry = registry;
        _limiter = limiter;
        _addresses = addresses;
        _budget = budget;
        _options = options.Value;
        _time = time;
        _logger = loggerFactory.CreateLogger<ChannelAdmission>();
        _muxLogger = loggerFactory.CreateLogger<MuxConnection>();
    }

    /// <summary>Runs the connection to its end; the caller closes the transport afterwards.</summary>
    public async Task HandleAsync(SocketTransport connection, CancellationToken cancellationToken)
    {
        var remoteEndPoint = connection.RemoteEndPoint;
        var remote = remoteEndPoint?.ToString() ?? "unknown";
        var network = _limiter.NetworkOf(remoteEndPoint?.Address);
        if (await HandshakeAsync(connection, network, remote, cancellationToken) is not { } registration)
        {
            return;
        }

        var mux = new ServerMuxConnection(connection, registration.Keys, _options.Mux, _muxLogger, _time, $"{string.Join(',', registration.Registration.Names)}@{remote}", _budget);
        var channel = new TunnelChannel(mux, registration.Registration, _addresses.HostOf, remote, _registry, _options.ShutdownGracePeriod);
        if (Refusal(channel, registration.Registration, network, remote) is { } refusal)
        {
            // Closed before it starts, so the GOAWAY is the only record the agent gets: it never counts as online.
            _metrics.Refused(refusal.Code);
            var closing = channel.CloseAsync(refusal.Code, refusal.Reason, graceful: false);
            mux.Start();
            await closing;
            return;
        }

        mux.GoAwayReceived += (_, _, _) => _ = channel.CloseAsync(ProtocolErrorCode.NoError, "the agent stopped", graceful: true);
        mux.HealthReported += (_, serving) =>
        {
            channel.IsServing = serving;
            Log.HealthChanged(_logger, string.Join(',', channel.Names), remote, serving ? "serving" : "not serving");
        };

        Log.Accepted(_logger, channel.UserName, string.Join(',', channel.Names), remote, channel.Pooled ? " (pooled)" : string.Empty);

        // Routed before it starts: the agent's readiness rule (docs/protocol.md, "After the handshake") depends on it.
        mux.Start();
        var reason = await mux.Completion;

        // One line for the channel's end, in plain words: why it was closed, or else what ended the connection.
        var why = channel.CloseReason ?? Ending(reason);
        await channel.CloseAsync(ProtocolErrorCode.ConnectionLost, reason.Message, graceful: false);
        _metrics.Closed(channel, reason.Code);
        Log.Removed(_logger, string.Join(',', channel.Names), channel.UserName, remote, why);
    }

    private async Task<(PendingRegistration Registration, ChannelKeys Keys)?> HandshakeAsync(SocketTransport connection, Limits.ClientNetwork network, string remote, CancellationToken cancellationToken)
    {
        if (!_limiter.TryEnter(network, out var deadline))
        {
            Log.Busy(_logger, remote, network.ToString());
            _metrics.RateLimited("handshakes_in_progress");
            await ChannelHandshake.RefuseBusyAsync(connection, HandshakeBusyReason.TooManyHandshakes, cancellationToken);
            return null;
        }

        try
        {
            var result = await ChannelHandshake.AcceptAsync(connection, _pending, deadline, _time, cancellationToken);
            var registration = _pending.Find(result.Id);
            if (registration is null)
            {
                Rejected(network, remote, HandshakeFailure.Expired, "The registration expired during the handshake.");
                return null;
            }

            _metrics.HandshakeSucceeded();
            return (registration, result.Keys);
        }
        catch (HandshakeException ex)
        {
            Rejected(network, remote, ex.Failure, ex.Message);
            return null;
        }
        catch (Exception ex) when (TransportFailure.Is(ex))
        {
            Rejected(network, remote, HandshakeFailure.Truncated, ex.Message);
            return null;
        }
        finally
        {
            _limiter.Exit(network);
        }
    }

    /// <summary>Admits the channel (names claimed, routed, older channels replaced), or says why not.</summary>
    private (ProtocolErrorCode Code, string Reason)? Refusal(TunnelChannel channel, PendingRegistration registration, Limits.ClientNetwork network, string remote)
    {
        var names = string.Join(',', registration.Names);
        if (!_limiter.TryAdmit(network))
        {
            Log.RateLimited(_logger, remote, network.ToString());
            _metrics.RateLimited("channels_per_network");
            return (ProtocolErrorCode.LimitExceeded, $"Too many channels from {network} in the last minute; try again shortly.");
        }

        if (_registrar.Admit(registration) is { } unavailable)
        {
            Log.NamesUnavailable(_logger, registration.UserName, names, remote, unavailable);
            return (ProtocolErrorCode.NameUnavailable, unavailable);
        }

        if (!_registry.TryAdd(channel, registration.MaxTunnels, out var replaced, out var poolConflict))
        {
            if (poolConflict is not null)
            {
                Log.NamesUnavailable(_logger, registration.UserName, names, remote, "the pool's agents sent another visitor policy");
                return (ProtocolErrorCode.NameUnavailable, Registrar.PoolPolicyDiffers(poolConflict));
            }

            // Several registrations raced past the limit check; this channel is the one too many. Tell the agent why.
            Log.OverTunnelLimit(_logger, registration.UserName, names, remote, registration.MaxTunnels);
            return (ProtocolErrorCode.LimitExceeded, $"User {registration.UserName} may have {registration.MaxTunnels} live tunnels.");
        }

        foreach (var old in replaced)
        {
            _ = old.CloseAsync(ProtocolErrorCode.Replaced, $"Another agent of {registration.UserName} took over {names} (run both with --pool to share it).", graceful: true);
        }

        return null;
    }

    /// <summary>What ended a channel nobody closed on purpose (the agent vanished, went silent, or broke the protocol).</summary>
    private static string Ending(MuxCloseReason reason) => reason.Code switch
    {
        ProtocolErrorCode.NoError or ProtocolErrorCode.ConnectionLost => $"the agent's connection ended ({PeerText.Escape(reason.Message).TrimEnd('.')})",
        ProtocolErrorCode.KeepaliveTimeout => $"the agent stopped answering ({PeerText.Escape(reason.Message).TrimEnd('.')})",
        _ => $"{reason.Code}: {PeerText.Escape(reason.Message).TrimEnd('.')}",
    };

    private void Rejected(Limits.ClientNetwork network, string remote, HandshakeFailure failure, string detail)
    {
        _metrics.HandshakeFailed(failure);
        if (_limiter.OnFailed(network))
        {
            Log.HandshakeRejected(_logger, remote, failure, detail);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(ServerEventIds.HandshakeRejected, LogLevel.Warning, "Channel connection from {Remote} rejected ({Failure}): {Detail}")]
        public static partial void HandshakeRejected(ILogger logger, string remote, HandshakeFailure failure, string detail);

        [LoggerMessage(ServerEventIds.ChannelRateLimited, LogLevel.Warning, "Channel connection from {Remote} answered BUSY: too many handshakes in progress (network {Network})")]
        public static partial void Busy(ILogger logger, string remote, string network);

        [LoggerMessage(ServerEventIds.ChannelRateLimited, LogLevel.Warning, "Channel from {Remote} refused: too many channels from network {Network} in the last minute")]
        public static partial void RateLimited(ILogger logger, string remote, string network);

        [LoggerMessage(ServerEventIds.ChannelOverTunnelLimit, LogLevel.Warning, "Channel for {User} serving {Names} from {Remote} refused: over the limit of {MaxTunnels} live tunnels")]
        public static partial void OverTunnelLimit(ILogger logger, string user, string names, string remote, int maxTunnels);

        [LoggerMessage(ServerEventIds.ChannelNamesUnavailable, LogLevel.Warning, "Channel for {User} serving {Names} from {Remote} refused: {Reason}")]
        public static partial void NamesUnavailable(ILogger logger, string user, string names, string remote, string reason);

        [LoggerMessage(ServerEventIds.ChannelAccepted, LogLevel.Information, "Channel for {User} serving {Names} connected from {Remote}{Pooled}")]
        public static partial void Accepted(ILogger logger, string user, string names, string remote, string pooled);

        [LoggerMessage(ServerEventIds.ChannelHealthChanged, LogLevel.Information, "Channel serving {Names} from {Remote}: local server {State}")]
        public static partial void HealthChanged(ILogger logger, string names, string remote, string state);

        [LoggerMessage(ServerEventIds.ChannelRemoved, LogLevel.Information, "Tunnel {Names} of {User} from {Remote} closed: {Reason}")]
        public static partial void Removed(ILogger logger, string names, string user, string remote, string reason);
    }
}
