using Burrow.Server.Naming;
using Microsoft.AspNetCore.Http;

namespace Burrow.Server.Edge;

/// <summary>
/// With HTTPS on, plain HTTP only redirects to HTTPS (308 keeps the method and body), except for ACME HTTP-01
/// challenges, which certificate authorities fetch over plain HTTP.
/// </summary>
internal sealed class HttpsRedirectMiddleware
{
    private readonly RequestDelegate _next;
    private readonly PublicAddresses _addresses;

    public HttpsRedirectMiddleware(RequestDelegate next, PublicAddresses addresses)
    {
        _next = next;
        _addresses = addresses;
    }

    public Task InvokeAsync(HttpContext context)
    {
        if (context.Request.IsHttps || context.Request.Path.StartsWithSegments("/.well-known/acme-challenge"))
        {
            return _next(context);
        }

        var port = _addresses.PublicHttpsPort;
        var host = context.Request.Host.Host;
        var authority = port == 443 ? host : $"{host}:{port}";
        context.Response.StatusCode = StatusCodes.Status308PermanentRedirect;
        context.Response.Headers.Location = $"https://{authority}{context.Request.PathBase}{context.Request.Path}{context.Request.QueryString}";
        return Task.CompletedTask;
    }
}
