using System.Globalization;
using System.Net;
using Burrow.Protocol;
using Burrow.Server.Limits;
using Burrow.Server.Policy.SingleSignOn;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Burrow.Server.Policy;

/// <summary>
/// Enforces the tunnel's visitor policy. The edge places it after the route is resolved (the route's
/// <see cref="TunnelPolicy"/> is a request feature) and before the forwarder opens a stream, so a refused visitor
/// costs the agent nothing: no OPEN is sent. In order: the server's <see cref="PolicyOptions.DenyIps"/>, the tunnel's
/// deny list (deny wins), its allow list, then basic auth or single sign-on. The client address is the one the edge
/// trusts: the connection's, or, from a proxy under <c>TrustedProxies</c>, the one it forwarded.
/// </summary>
internal sealed partial class VisitorPolicyMiddleware
{
    private readonly RequestDelegate _next;
    private readonly IVisitorPages _pages;
    private readonly BasicAuthThrottle _throttle;
    private readonly SignOnGate _signOn;
    private readonly NetworkList _serverDeny;
    private readonly ILogger _logger;

    public VisitorPolicyMiddleware(RequestDelegate next, IVisitorPages pages, BasicAuthThrottle throttle, SignOnGate signOn, IOptions<PolicyOptions> options, ILogger<VisitorPolicyMiddleware> logger)
    {
        _next = next;
        _pages = pages;
        _throttle = throttle;
        _signOn = signOn;
        _serverDeny = NetworkList.Parse(options.Value.DenyIps);
        _logger = logger;
    }

    public async Task InvokeAsync(HttpContext context)
    {
        var policy = context.Features.Get<TunnelPolicy>();
        if (policy is null)
        {
            await _next(context);
            return;
        }

        var client = context.Connection.RemoteIpAddress;
        if (_serverDeny.Count > 0 && _serverDeny.Contains(client))
        {
            Log.AddressRefused(_logger, AddressText(client), policy.Host, "the server's DenyIps");
            await _pages.WriteAsync(context, StatusCodes.Status403Forbidden, "Address not allowed", $"Your address {AddressText(client)} may not visit tunnels on this server.");
            return;
        }

        if (!policy.ChecksVisitors)
        {
            await _next(context);
            return;
        }

        if (policy.DenyIps.Contains(client) || (policy.AllowIps.Count > 0 && !policy.AllowIps.Contains(client)))
        {
            Log.AddressRefused(_logger, AddressText(client), policy.Host, "the tunnel's IP rules");
            await _pages.WriteAsync(context, StatusCodes.Status403Forbidden, "Address not allowed", $"Your address {AddressText(client)} may not visit {policy.Host}.");
            return;
        }

        if (policy.BasicAuth is { } users && !await AdmitBasicAsync(context, policy, users, client))
        {
            return;
        }

        if (policy.Oidc is { } oidc && !await _signOn.AdmitAsync(context, policy, oidc))
        {
            return;
        }

        await _next(context);
    }

    private async Task<bool> AdmitBasicAsync(HttpContext context, TunnelPolicy policy, BasicAuthUsers users, IPAddress? client)
    {
        var authorization = context.Request.Headers.Authorization;
        if (!BasicAuthUsers.TryParse(authorization.Count == 1 ? authorization[0] : null, out var name, out var password))
        {
            await ChallengeAsync(context, policy, $"{policy.Host} asks for a user name and password.");
            return false;
        }

        var retryAfter = TimeSpan.Zero;
        var user = users.Verify(name, password, () => _throttle.TryTake(client, out retryAfter), out var throttled);
        if (throttled)
        {
            context.Response.Headers.RetryAfter = ((int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
            await _pages.WriteAsync(context, StatusCodes.Status429TooManyRequests, "Too many attempts", $"Too many wrong passwords from your network; try again in {Math.Ceiling(retryAfter.TotalSeconds)} s.");
            return false;
        }

        if (user is null)
        {
            Log.BasicAuthFailed(_logger, AddressText(client), policy.Host, PeerText.Escape(name, 64));
            await ChallengeAsync(context, policy, $"The user name or password is wrong for {policy.Host}.");
            return false;
        }

        // The edge consumed the credentials: the local server never sees the visitor's password.
        context.Request.Headers.Authorization = default;
        context.Features.Set(new VisitorIdentity(null, user));
        return true;
    }

    private Task ChallengeAsync(HttpContext context, TunnelPolicy policy, string message)
    {
        // RFC 7617: the realm tells the browser which password to offer; UTF-8 user names and passwords.
        context.Response.Headers.WWWAuthenticate = $"Basic realm=\"{policy.Host}\", charset=\"UTF-8\"";
        return _pages.WriteAsync(context, StatusCodes.Status401Unauthorized, "Sign in", message);
    }

    internal static string AddressText(IPAddress? address)
        => address is null ? "unknown" : ClientNetwork.Unmapped(address).ToString();

    private static partial class Log
    {
        [LoggerMessage(ServerEventIds.VisitorAddressRefused, LogLevel.Debug, "Refused {Address} on {Host}: {Rule}")]
        public static partial void AddressRefused(ILogger logger, string address, string host, string rule);

        [LoggerMessage(ServerEventIds.VisitorBasicAuthFailed, LogLevel.Information, "Wrong basic-auth credentials from {Address} on {Host} for user {User}")]
        public static partial void BasicAuthFailed(ILogger logger, string address, string host, string user);
    }
}
