using System.Globalization;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace Burrow.Server.Edge;

/// <summary>
/// HSTS (RFC 6797) on the HTTPS edge: browsers that saw it use HTTPS for the domain, and with includeSubDomains for
/// every tunnel, so a network attacker cannot strip them back to plain HTTP. A tunnel that sets its own header keeps it.
/// </summary>
internal sealed class StrictTransportSecurityMiddleware
{
    private readonly RequestDelegate _next;
    private readonly string _value;

    public StrictTransportSecurityMiddleware(RequestDelegate next, IOptions<EdgeOptions> options)
    {
        _next = next;
        var edge = options.Value;
        _value = $"max-age={(long)edge.HstsMaxAge.TotalSeconds}{(edge.HstsIncludeSubdomains ? "; includeSubDomains" : string.Empty)}".ToString(CultureInfo.InvariantCulture);
    }

    public Task InvokeAsync(HttpContext context)
    {
        if (context.Request.IsHttps)
        {
            context.Response.OnStarting(static state =>
            {
                var (response, value) = ((HttpResponse, string))state;
                if (!response.Headers.ContainsKey("Strict-Transport-Security"))
                {
                    response.Headers.StrictTransportSecurity = value;
                }

                return Task.CompletedTask;
            }, (context.Response, _value));
        }

        return _next(context);
    }
}
