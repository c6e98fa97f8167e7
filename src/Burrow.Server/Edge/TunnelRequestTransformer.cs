using System.Net.Http;
using Burrow.Server.Channels;
using Microsoft.AspNetCore.Http;
using Yarp.ReverseProxy.Forwarder;

namespace Burrow.Server.Edge;

/// <summary>
/// What the local server sees: the public request as sent (YARP's default header copying, hop-by-hop headers
/// dropped), the public Host (as ngrok does by default), and X-Forwarded-For/-Proto/-Host describing the public client.
/// Incoming X-Forwarded-* are always replaced, so a client cannot forge its address; behind a trusted load balancer
/// the ForwardedHeaders middleware has already put the real client into the connection info used here.
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
        headers.Host = request.Host.Value;
        headers.Remove("X-Forwarded-For");
        headers.Remove("X-Forwarded-Proto");
        headers.Remove("X-Forwarded-Host");
        headers.Remove("Forwarded");
        if (httpContext.Connection.RemoteIpAddress is { } address)
        {
            headers.TryAddWithoutValidation("X-Forwarded-For", (address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address).ToString());
        }

        headers.TryAddWithoutValidation("X-Forwarded-Proto", request.Scheme);
        headers.TryAddWithoutValidation("X-Forwarded-Host", request.Host.Value);
    }
}
