using System.Net;
using Burrow.Server.Certificates;
using Burrow.Server.Limits;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Burrow.Server.Edge;

/// <summary>
/// The public listeners on Kestrel: plain HTTP (HTTP/1.1 only: HTTP/2 needs TLS's ALPN) and, with a certificate,
/// HTTPS with HTTP/1.1 and HTTP/2, the certificate chosen per connection by SNI. Kestrel's limits for visitors are
/// set here too. The listeners are kept so hosting can read the ports actually bound.
/// </summary>
internal sealed partial class EdgeListeners : IConfigureOptions<KestrelServerOptions>
{
    private readonly EdgeOptions _options;
    private readonly LimitOptions _limits;
    private readonly ServerCertificates _certificates;
    private readonly ConnectionsPerClient _perClient;
    private readonly Observability.EdgeTelemetry _telemetry;
    private readonly ILogger _logger;

    public EdgeListeners(IOptions<EdgeOptions> options, IOptions<LimitOptions> limits, ServerCertificates certificates, ConnectionsPerClient perClient, Observability.EdgeTelemetry telemetry, ILogger<EdgeListeners> logger)
    {
        _telemetry = telemetry;
        _options = options.Value;
        _limits = limits.Value;
        _certificates = certificates;
        _perClient = perClient;
        _logger = logger;
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

        // What one visitor can make the server hold (issue #10): Kestrel buffers at most one stream window of a request
        // ahead of the tunnel (its default is 1 MiB per connection), connections are capped server-wide and per client
        // network, and a visitor that stops reading a response, or trickles an upload, is cut off by Kestrel's minimum
        // data rates (240 bytes/s after a 5 s grace; set explicitly so the rule is visible here).
        kestrel.Limits.MaxRequestBufferSize = Protocol.Mux.MuxOptions.InitialWindowSize;
        kestrel.Limits.MaxConcurrentConnections = _limits.MaxConnections;
        kestrel.Limits.MaxConcurrentUpgradedConnections = _limits.MaxConnections;
        kestrel.Limits.MinResponseDataRate = new MinDataRate(bytesPerSecond: 240, gracePeriod: TimeSpan.FromSeconds(5));
        kestrel.Limits.MinRequestBodyDataRate = new MinDataRate(bytesPerSecond: 240, gracePeriod: TimeSpan.FromSeconds(5));
        var address = _options.ListenAddress == "*" ? IPAddress.IPv6Any : IPAddress.Parse(_options.ListenAddress);
        kestrel.Listen(address, _options.HttpPort, listen =>
        {
            listen.Protocols = HttpProtocols.Http1;
            listen.Use(LimitPerClient);
            Http = listen;
        });
        if (_options.HttpsPort is { } httpsPort)
        {
            kestrel.Listen(address, httpsPort, listen =>
            {
                listen.Protocols = HttpProtocols.Http1AndHttp2;
                listen.Use(LimitPerClient);
                listen.UseHttps(_certificates.ConfigureHttps);
                Https = listen;
            });
        }
    }

    /// <summary>Connection middleware: a client network past its cap gets its connection closed before anything is read.</summary>
    private ConnectionDelegate LimitPerClient(ConnectionDelegate next) => async connection =>
    {
        var address = (connection.RemoteEndPoint as IPEndPoint)?.Address;
        if (_perClient.TryEnter(address) is not { } network)
        {
            Log.ConnectionRefused(_logger, address?.ToString() ?? "unknown");
            _telemetry.ConnectionRefused();
            connection.Abort();
            return;
        }

        try
        {
            await next(connection);
        }
        finally
        {
            _perClient.Exit(network);
        }
    };

    private static partial class Log
    {
        [LoggerMessage(ServerEventIds.ConnectionRefused, LogLevel.Debug, "Public connection from {Remote} refused: its network has too many connections open")]
        public static partial void ConnectionRefused(ILogger logger, string remote);
    }
}
