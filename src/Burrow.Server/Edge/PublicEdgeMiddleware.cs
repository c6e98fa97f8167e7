using System.Diagnostics;
using System.Net;
using Burrow.Protocol;
using Burrow.Protocol.Mux;
using Burrow.Protocol.Mux.FlowControl;
using Burrow.Server.Accounts;
using Burrow.Server.Channels;
using Burrow.Server.Naming;
using Burrow.Server.Observability;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging;
using Yarp.ReverseProxy.Forwarder;

namespace Burrow.Server.Edge;

/// <summary>
/// Dispatches public requests by Host: the base domain goes on to the API, NAME.domain is resolved to a route once and
/// forwarded with YARP over that channel, anything else gets a page that says no tunnel serves it. A resolved request
/// runs the tunnel pipeline the edge composition built (the visitor policy: Policy/), which ends in the forwarder: a
/// request refused there never opens a stream.
/// </summary>
internal sealed partial class PublicEdgeMiddleware
{
    private static readonly ForwarderRequestConfig RequestConfig = new()
    {
        // Long polls and quiet Server-Sent Events streams are normal behind a tunnel.
        ActivityTimeout = TimeSpan.FromMinutes(15),
        Version = HttpVersion.Version11,
        VersionPolicy = HttpVersionPolicy.RequestVersionExact,
    };

    private readonly RequestDelegate _next;
    private readonly RequestDelegate _tunnel;
    private readonly IHttpForwarder _forwarder;
    private readonly TunnelConnector _connector;
    private readonly TunnelRegistry _registry;
    private readonly AccountStore _accounts;
    private readonly PublicAddresses _addresses;
    private readonly BufferBudget _budget;
    private readonly EdgeTelemetry _telemetry;
    private readonly ILogger _logger;

    public PublicEdgeMiddleware(
        RequestDelegate next,
        IApplicationBuilder tunnel,
        IHttpForwarder forwarder,
        TunnelConnector connector,
        TunnelRegistry registry,
        AccountStore accounts,
        PublicAddresses addresses,
        BufferBudget budget,
        EdgeTelemetry telemetry,
        ILogger<PublicEdgeMiddleware> logger)
    {
        _telemetry = telemetry;
        _budget = budget;
        _next = next;
        _forwarder = forwarder;
        _connector = connector;
        _registry = registry;
        _accounts = accounts;
        _addresses = addresses;
        _logger = logger;
        tunnel.Run(ForwardAsync);
        _tunnel = tunnel.Build();
    }

    public async Task InvokeAsync(HttpContext context)
    {
        var host = PublicAddresses.AsciiHost(context.Request.Host);
        if (host is not null && _addresses.IsApiHost(host))
        {
            await _next(context);
            return;
        }

        // Observability (issue 13): every request to a tunnel host is timed, counted and logged once, at the end. The
        // forwarding step leaves its instrumentation on the context (the visitor policy may answer before it).
        var started = Stopwatch.GetTimestamp();
        TunnelRoute? route = null;
        try
        {
            route = await DispatchAsync(context, host);
        }
        finally
        {
            _telemetry.Complete(context, host ?? "-", route, context.Features.Get<EdgeRequest>(), started);
        }
    }

    /// <summary>Routes one request to a tunnel host; returns the route it took, or null when none.</summary>
    private async Task<TunnelRoute?> DispatchAsync(HttpContext context, string? host)
    {
        var name = host is null ? null : _addresses.TunnelNameOf(host);
        if (_budget.IsExhausted)
        {
            // Every channel together holds the server's memory budget: take no new work, let open streams drain.
            Log.BudgetSpent(_logger, _budget.Used, _budget.Limit);
            context.Response.Headers.RetryAfter = "5";
            _telemetry.Refused(EdgeRefusal.MemoryBudget);
            await EdgeResponses.WriteAsync(context, StatusCodes.Status503ServiceUnavailable, "Server busy", "This server is at its memory budget; try again in a few seconds.");
            return null;
        }

        var route = name is null ? null : _registry.Resolve(name);
        if (route is null)
        {
            await WriteNoTunnelAsync(context, host ?? "(none)", name);
            return null;
        }

        context.Features.Set(route);
        context.Features.Set(route.Policy);
        await _tunnel(context);
        return route;
    }

    /// <summary>The end of the tunnel pipeline: counted in on the channel, forwarded over a stream, counted out.</summary>
    private async Task ForwardAsync(HttpContext context)
    {
        var route = context.Features.Get<TunnelRoute>()!;
        var host = route.Host;
        var upgrade = IsUpgrade(context);
        var admission = route.Channel.TryBeginRequest(upgrade);
        if (admission == RequestAdmission.UserBusy)
        {
            context.Response.Headers.RetryAfter = "1";
            _telemetry.Refused(EdgeRefusal.UserRequests);
            await EdgeResponses.WriteAsync(context, StatusCodes.Status503ServiceUnavailable, "Tunnel busy", $"The tunnels of {host} have too many requests in flight; try again shortly.");
            return;
        }

        if (admission != RequestAdmission.Admitted)
        {
            await WriteNoTunnelAsync(context, host, route.Name);
            return;
        }

        // A drain does not wait for an upgraded connection (it never ends by itself): the channel closes it at once,
        // so its client sees the close and reconnects, to another agent of a pool or to this one when it is back.
        var upgraded = upgrade ? new UpgradedRequest(context) : null;
        ForwarderError error;
        context.Features.Set(_telemetry.BeginForward(context, route));
        try
        {
            if (upgraded is not null)
            {
                route.Channel.TrackUpgraded(upgraded.Close);
            }

            error = await _forwarder.SendAsync(context, route.DestinationPrefix, _connector.Invoker, RequestConfig, TunnelRequestTransformer.Instance);
        }
        finally
        {
            if (upgraded is not null)
            {
                route.Channel.UntrackUpgraded(upgraded.Close);
                upgraded.End();
            }

            route.Channel.EndRequest(upgrade);
        }

        if (error != ForwarderError.None)
        {
            await WriteForwardErrorAsync(context, host, upgrade, error, upgraded?.ClosedByChannel == true ? route.Channel.CloseReason : null);
        }
    }

    /// <summary>A request that may turn into a long-lived connection (WebSocket over HTTP/1.1 or HTTP/2).</summary>
    private static bool IsUpgrade(HttpContext context)
        => context.Features.Get<IHttpUpgradeFeature>()?.IsUpgradableRequest == true
           || context.Features.Get<IHttpExtendedConnectFeature>()?.IsExtendedConnect == true;

    private async Task WriteNoTunnelAsync(HttpContext context, string host, string? name)
    {
        if (name is not null && _registry.IsServed(name))
        {
            Log.TunnelOffline(_logger, host);
            _telemetry.Refused(EdgeRefusal.TunnelOffline);
            await EdgeResponses.WriteAsync(context, StatusCodes.Status502BadGateway, "Tunnel unavailable", $"The tunnel {host} is connected, but no agent reports its local server serving.");
            return;
        }

        if (name is not null && _accounts.FindNameOwner(name) is not null)
        {
            Log.TunnelOffline(_logger, host);
            _telemetry.Refused(EdgeRefusal.TunnelOffline);
            await EdgeResponses.WriteAsync(context, StatusCodes.Status502BadGateway, "Tunnel offline", $"The tunnel {host} is offline: its agent is not connected.");
            return;
        }

        Log.UnknownTunnel(_logger, PeerText.Escape(host));
        _telemetry.Refused(EdgeRefusal.UnknownTunnel);
        await EdgeResponses.WriteAsync(context, StatusCodes.Status404NotFound, "No such tunnel", $"No tunnel serves {host} on this server.");
    }

    /// <param name="channelClosing">Why the channel closed, when its close is what aborted this (upgraded) request.</param>
    private async Task WriteForwardErrorAsync(HttpContext context, string host, bool upgrade, ForwarderError error, string? channelClosing)
    {
        var exception = context.GetForwarderErrorFeature()?.Exception;
        var streamError = ForwardFailure.Find<MuxStreamException>(exception);
        _telemetry.Refused(streamError?.Code == ProtocolErrorCode.LimitExceeded ? EdgeRefusal.ChannelStreams : EdgeRefusal.ForwardFailed);
        var failure = channelClosing is not null ? ForwardFailure.ChannelClosing(channelClosing) : ForwardFailure.Of(error, exception);
        if (_logger.IsEnabled(failure.Level))
        {
            var what = upgrade && context.Response.StatusCode == StatusCodes.Status101SwitchingProtocols ? "WebSocket" : context.Request.Method;
            var path = PeerText.Escape(context.Request.Path.Value);
            Log.ForwardFailed(_logger, failure.Level, what, host, path, failure.What);
        }
        if (context.Response.HasStarted)
        {
            // YARP already aborted the public connection: the client sees a broken response, not a hang.
            return;
        }

        var (status, title, message) = streamError?.Code switch
        {
            ProtocolErrorCode.LocalUnreachable => (502, "Local server unreachable", $"The tunnel {host} is online, but its agent could not reach {streamError.Reason ?? "the local server"}."),
            ProtocolErrorCode.ConnectionLost or ProtocolErrorCode.RefusedStream => (502, "Tunnel offline", $"The tunnel {host} is offline: its agent is not connected."),
            ProtocolErrorCode.LimitExceeded => (503, "Tunnel busy", $"The tunnel {host} has too many open connections; try again shortly."),
            _ when error == ForwarderError.RequestTimedOut => (504, "Tunnel timeout", $"The local server behind {host} did not answer in time."),
            _ => (502, "Bad gateway", $"The request to {host} failed on its way through the tunnel ({error})."),
        };

        context.Response.Clear();
        await EdgeResponses.WriteAsync(context, status, title, message);
    }

    private static partial class Log
    {
        [LoggerMessage(ServerEventIds.UnknownTunnel, LogLevel.Debug, "No tunnel serves {Host}")]
        public static partial void UnknownTunnel(ILogger logger, string host);

        [LoggerMessage(ServerEventIds.TunnelOffline, LogLevel.Debug, "Tunnel {Host} is offline")]
        public static partial void TunnelOffline(ILogger logger, string host);

        [LoggerMessage(ServerEventIds.BudgetSpent, LogLevel.Debug, "Refusing a public request: channels hold {Used} bytes of the {Limit}-byte memory budget")]
        public static partial void BudgetSpent(ILogger logger, long used, long limit);

        // The level is the failure's (ForwardFailure): expected endings at Debug, the rest at Information.
        [LoggerMessage(EventId = ServerEventIds.ForwardFailed, Message = "{Method} {Host}{Path} ended early: {What}")]
        public static partial void ForwardFailed(ILogger logger, LogLevel level, string method, string host, string path, string what);
    }
}
