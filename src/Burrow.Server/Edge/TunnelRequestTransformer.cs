using System.Net.Http;
using Burrow.Server.Channels;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;
using Yarp.ReverseProxy.Forwarder;

namespace Burrow.Server.Edge;

/// <summary>
/// What crosses the edge, both ways.
/// <list type="bullet">
/// <item>To the local server: the public request as sent (YARP's header copying, hop-by-hop headers dropped, and
/// also every header the request's <c>Connection</c> names, RFC 9110 section 7.6.1), the public Host (as ngrok does by
/// default), and X-Forwarded-For/-Proto/-Host and X-Real-IP describing the public client. Incoming forwarded and
/// X-Real-IP headers are always replaced, so a client cannot forge its address; behind a trusted load balancer the
/// ForwardedHeaders middleware has already put the real client into the connection info used here.</item>
/// <item>To the visitor: headers the response's <c>Connection</c> names are dropped, and every cookie is kept on its
/// tunnel (<see cref="TunnelCookies"/>).</item>
/// </list>
/// </summary>
internal sealed class TunnelRequestTransformer : HttpTransformer
{
    public static readonly TunnelRequestTransformer Instance = new();

    public override async ValueTask TransformRequestAsync(HttpContext httpContext, HttpRequestMessage proxyRequest, string destinationPrefix, CancellationToken cancellationToken)
    {
        await base.TransformRequestAsync(httpContext, proxyRequest, destinationPrefix, cancellationToken);
        if (httpContext.Features.Get<TunnelRoute>() is { } route)
        {
            proxyRequest.Options.Set(TunnelConnector.RouteKey, route);
        }

        var request = httpContext.Request;
        var headers = proxyRequest.Headers;
        foreach (var named in ConnectionNamed(request.Headers.Connection))
        {
            headers.Remove(named);
            proxyRequest.Content?.Headers.Remove(named);
        }

        // The Host as sent, in ASCII: Kestrel decodes IDN hosts to Unicode, which an HTTP header may not carry.
        var publicHost = request.Host.ToUriComponent();
        headers.Host = publicHost;
        headers.Remove("X-Forwarded-For");
        headers.Remove("X-Forwarded-Proto");
        headers.Remove("X-Forwarded-Host");
        headers.Remove("Forwarded");
        headers.Remove("X-Real-IP");
        if (httpContext.Connection.RemoteIpAddress is { } address)
        {
            var client = (address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address).ToString();
            headers.TryAddWithoutValidation("X-Forwarded-For", client);
            headers.TryAddWithoutValidation("X-Real-IP", client);
        }

        headers.TryAddWithoutValidation("X-Forwarded-Proto", request.Scheme);
        headers.TryAddWithoutValidation("X-Forwarded-Host", publicHost);
    }

    public override async ValueTask<bool> TransformResponseAsync(HttpContext httpContext, HttpResponseMessage? proxyResponse, CancellationToken cancellationToken)
    {
        var proceed = await base.TransformResponseAsync(httpContext, proxyResponse, cancellationToken);
        if (proxyResponse is null)
        {
            return proceed;
        }

        var headers = httpContext.Response.Headers;
        foreach (var named in proxyResponse.Headers.Connection)
        {
            if (!IsConnectionOption(named))
            {
                headers.Remove(named);
            }
        }

        if (headers.SetCookie.Count > 0 && httpContext.Features.Get<TunnelRoute>() is { } route)
        {
            headers.SetCookie = TunnelCookies.KeepOnHost(headers.SetCookie, route.Host);
        }

        return proceed;
    }

    /// <summary>Header names a Connection header lists, other than the connection options themselves.</summary>
    private static IEnumerable<string> ConnectionNamed(StringValues connection)
    {
        foreach (var value in connection)
        {
            foreach (var token in (value ?? string.Empty).Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
            {
                if (!IsConnectionOption(token))
                {
                    yield return token;
                }
            }
        }
    }

    /// <summary>Options that are not header names (and Upgrade, which YARP handles for WebSockets itself).</summary>
    private static bool IsConnectionOption(string token)
        => token.Equals("close", StringComparison.OrdinalIgnoreCase)
           || token.Equals("keep-alive", StringComparison.OrdinalIgnoreCase)
           || token.Equals("upgrade", StringComparison.OrdinalIgnoreCase);
}
