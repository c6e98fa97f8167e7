using Burrow.Server.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace Burrow.Server.Edge;

/// <summary>
/// With a certificate configured, plain HTTP only redirects to HTTPS (308 keeps the method and body), except for
/// ACME HTTP-01 challenges, which certificate authorities fetch over plain HTTP.
/// </summary>
internal sealed class HttpsRedirectMiddleware
{
    private readonly RequestDelegate _next;
    private readonly ServerEndpoints _endpoints;
    private readonly BurrowServerOptions _options;

    public HttpsRedirectMiddleware(RequestDelegate next, ServerEndpoints endpoints, IOptions<BurrowServerOptions> options)
    {
        _next = next;
        _endpoints = endpoints;
        _options = options.Value;
    }

    public Task InvokeAsync(HttpContext context)
    {
        if (context.Request.IsHttps || context.Request.Path.StartsWithSegments("/.well-known/acme-challenge"))
        {
            return _next(context);
        }

        var port = _options.PublicPort ?? _endpoints.HttpsPort ?? 443;
        var host = context.Request.Host.Host;
        var authority = port == 443 ? host : $"{host}:{port}";
        context.Response.StatusCode = StatusCodes.Status308PermanentRedirect;
        context.Response.Headers.Location = $"https://{authority}{context.Request.PathBase}{context.Request.Path}{context.Request.QueryString}";
        return Task.CompletedTask;
    }
}
