using System.Net;
using Burrow.Server.Certificates;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Options;

namespace Burrow.Server.Edge;

/// <summary>
/// The public listeners on Kestrel: plain HTTP (HTTP/1.1 only: HTTP/2 needs TLS's ALPN) and, with a certificate,
/// HTTPS with HTTP/1.1 and HTTP/2, the certificate chosen per connection by SNI. Kestrel's limits for visitors are
/// set here too. The listeners are kept so hosting can read the ports actually bound.
/// </summary>
internal sealed class EdgeListeners : IConfigureOptions<KestrelServerOptions>
{
    private readonly EdgeOptions _options;
    private readonly ServerCertificates _certificates;

    public EdgeListeners(IOptions<EdgeOptions> options, ServerCertificates certificates)
    {
        _options = options.Value;
        _certificates = certificates;
    }

    public ListenOptions? Http { get; private set; }

    public ListenOptions? Https { get; private set; }

    public void Configure(KestrelServerOptions kestrel)
    {
        kestrel.AddServerHeader = false;
        kestrel.Limits.MaxRequestHeadersTotalSize = _options.MaxRequestHeadersSize;
        kestrel.Limits.MaxRequestLineSize = _options.MaxRequestLineSize;

        // Bodies belong to the local server: uploads of any size stream through (the registration API sets its own limit).
        kestrel.Limits.MaxRequestBodySize = null;
        var address = _options.ListenAddress == "*" ? IPAddress.IPv6Any : IPAddress.Parse(_options.ListenAddress);
        kestrel.Listen(address, _options.HttpPort, listen =>
        {
            listen.Protocols = HttpProtocols.Http1;
            Http = listen;
        });
        if (_options.HttpsPort is { } httpsPort)
        {
            kestrel.Listen(address, httpsPort, listen =>
            {
                listen.Protocols = HttpProtocols.Http1AndHttp2;
                listen.UseHttps(_certificates.ConfigureHttps);
                Https = listen;
            });
        }
    }
}
