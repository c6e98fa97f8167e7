using System.Net;
using Burrow.Server.Naming;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Burrow.Server.Edge;

/// <summary>
/// With HTTPS on, plain HTTP only redirects to HTTPS (308 keeps the method and body), except for ACME HTTP-01
/// challenges, which certificate authorities fetch over plain HTTP (answered before this middleware runs), and the API:
/// a token that reached us in clear must not be used, nor the client taught that retrying over HTTPS after the fact is
/// fine, so <c>/api/*</c> on plain HTTP is a 403 that says why, and nothing in it is read (issue #10). Clients on a
/// loopback address are the exception: local agents and tests talk to a local server over plain HTTP.
/// </summary>
internal sealed partial class HttpsRedirectMiddleware
{
    private readonly RequestDelegate _next;
    private readonly PublicAddresses _addresses;
    private readonly ILogger _logger;

    public HttpsRedirectMiddleware(RequestDelegate next, PublicAddresses addresses, ILogger<HttpsRedirectMiddleware> logger)
    {
        _next = next;
        _addresses = addresses;
        _logger = logger;
    }

    public Task InvokeAsync(HttpContext context)
    {
        if (context.Request.IsHttps || context.Request.Path.StartsWithSegments("/.well-known/acme-challenge"))
        {
            return _next(context);
        }

        var host = PublicAddresses.AsciiHost(context.Request.Host) ?? string.Empty;
        var port = _addresses.PublicHttpsPort;
        var authority = port == 443 ? host : $"{host}:{port}";
        if (context.Request.Path.StartsWithSegments("/api"))
        {
            if (context.Connection.RemoteIpAddress is { } address && IPAddress.IsLoopback(address))
            {
                return _next(context);
            }

            Log.PlainHttpApiRefused(_logger, context.Connection.RemoteIpAddress?.ToString() ?? "unknown");
            return Results.Problem(
                $"This server takes credentials over HTTPS only; nothing sent here was used. Use https://{authority}{context.Request.Path} (and check that your token was not exposed).",
                statusCode: StatusCodes.Status403Forbidden,
                title: "HTTPS required").ExecuteAsync(context);
        }

        context.Response.StatusCode = StatusCodes.Status308PermanentRedirect;
        context.Response.Headers.Location = $"https://{authority}{context.Request.PathBase}{context.Request.Path}{context.Request.QueryString}";
        return Task.CompletedTask;
    }

    private static partial class Log
    {
        [LoggerMessage(ServerEventIds.PlainHttpApiRefused, LogLevel.Warning, "Refused an API request over plain HTTP from {Remote}: credentials go over HTTPS only")]
        public static partial void PlainHttpApiRefused(ILogger logger, string remote);
    }
}
