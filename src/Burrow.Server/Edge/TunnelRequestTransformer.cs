using System.Net.Http;
using Burrow.Server.Channels;
using Burrow.Server.Limits;
using Burrow.Server.Policy;
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
/// <item>Visitor identity: X-Burrow-User-* headers from the visitor are always dropped (with underscores too, which
/// CGI-style servers read as hyphens); the edge sets X-Burrow-User-Email and -Name for a visitor its policy let in.</item>
/// <item>The tunnel's header rules (<see cref="TunnelPolicy"/>) last, in each direction, and its Host rewrite.</item>
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
        var route = httpContext.Features.Get<TunnelRoute>();
        if (route is not null)
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
            var client = ClientNetwork.Unmapped(address).ToString();
            headers.TryAddWithoutValidation("X-Forwarded-For", client);
            headers.TryAddWithoutValidation("X-Real-IP", client);
        }

        headers.TryAddWithoutValidation("X-Forwarded-Proto", request.Scheme);
        headers.TryAddWithoutValidation("X-Forwarded-Host", publicHost);
        SetVisitorIdentity(httpContext, proxyRequest);
        if (route?.Policy is { } policy)
        {
            policy.RequestHeaders.ApplyTo(proxyRequest);
            if (policy.HostHeader is { } rewritten)
            {
                headers.Host = rewritten;
            }
        }
        Observability.EdgeTracing.Propagate(proxyRequest);
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

        var route = httpContext.Features.Get<TunnelRoute>();
        route?.Policy.ResponseHeaders.ApplyTo(headers);
        if (headers.SetCookie.Count > 0 && route is not null)
        {
            headers.SetCookie = TunnelCookies.KeepOnHost(headers.SetCookie, route.Host);
        }

        return proceed;
    }

    /// <summary>Drops every identity header the visitor sent, then sets the ones the visitor policy established.</summary>
    private static void SetVisitorIdentity(HttpContext httpContext, HttpRequestMessage proxyRequest)
    {
        var headers = proxyRequest.Headers;
        List<string>? forged = null;
        // NonValidated: the names alone, without parsing every header's values into arrays (this runs per request).
        foreach (var header in headers.NonValidated)
        {
            if (HeaderNames.IsVisitorIdentity(header.Key))
            {
                (forged ??= []).Add(header.Key);
            }
        }

        foreach (var name in forged ?? [])
        {
            headers.Remove(name);
        }

        if (httpContext.Features.Get<VisitorIdentity>() is { } visitor)
        {
            if (visitor.Email is { } email)
            {
                headers.TryAddWithoutValidation("X-Burrow-User-Email", HeaderValueOf(email));
            }

            if (visitor.Name is { } name)
            {
                headers.TryAddWithoutValidation("X-Burrow-User-Name", HeaderValueOf(name));
            }
        }
    }

    /// <summary>
    /// Identity values come from a provider and may hold any Unicode: bytes outside printable ASCII, and '%', are
    /// percent-encoded UTF-8 (so "Zoë" arrives as "Zo%C3%AB"; plain ASCII names and addresses arrive as they are).
    /// </summary>
    internal static string HeaderValueOf(string value)
    {
        if (value.All(c => c is >= ' ' and <= '~' and not '%'))
        {
            return value;
        }

        var builder = new System.Text.StringBuilder(value.Length * 3);
        foreach (var b in System.Text.Encoding.UTF8.GetBytes(value))
        {
            if (b is >= 0x20 and <= 0x7E and not (byte)'%')
            {
                builder.Append((char)b);
            }
            else
            {
                builder.Append('%').Append(b.ToString("X2", System.Globalization.CultureInfo.InvariantCulture));
            }
        }

        return builder.ToString();
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
