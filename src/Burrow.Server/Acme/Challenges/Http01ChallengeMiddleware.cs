using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Burrow.Server.Acme.Challenges;

/// <summary>
/// Answers <c>GET /.well-known/acme-challenge/TOKEN</c> for tokens of orders in progress, on the base domain and on
/// every tunnel host, before anything routes the request to a tunnel. Any other token, or a known token asked for on
/// another host, goes on to the next middleware as if this one were not there.
/// </summary>
internal sealed partial class Http01ChallengeMiddleware
{
    private const string Prefix = "/.well-known/acme-challenge/";

    private readonly RequestDelegate _next;
    private readonly Http01Responder _responder;
    private readonly ILogger _logger;

    public Http01ChallengeMiddleware(RequestDelegate next, Http01Responder responder, ILogger<Http01ChallengeMiddleware> logger)
    {
        _next = next;
        _responder = responder;
        _logger = logger;
    }

    public Task InvokeAsync(HttpContext context)
    {
        var path = context.Request.Path.Value;
        if (path is null || !path.StartsWith(Prefix, StringComparison.Ordinal) || !HttpMethods.IsGet(context.Request.Method))
        {
            return _next(context);
        }

        var token = path[Prefix.Length..];
        // ASCII, as the order names it: Kestrel hands out IDN hosts decoded to Unicode.
        var host = Naming.PublicAddresses.AsciiHost(context.Request.Host) ?? string.Empty;
        if (!_responder.TryGet(host, token, out var keyAuthorization))
        {
            return _next(context);
        }

        Log.Served(_logger, "http-01", host, context.Connection.RemoteIpAddress?.ToString() ?? "unknown");
        context.Response.StatusCode = StatusCodes.Status200OK;
        context.Response.ContentType = "application/octet-stream";
        context.Response.Headers.CacheControl = "no-store";
        return context.Response.WriteAsync(keyAuthorization, context.RequestAborted);
    }

    private static partial class Log
    {
        [LoggerMessage(AcmeLogEventIds.ChallengeServed, LogLevel.Information, "ACME {Challenge} challenge for {Host} answered to {Remote}")]
        public static partial void Served(ILogger logger, string challenge, string host, string remote);
    }
}
