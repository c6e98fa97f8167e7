using System.Net.Security;
using Burrow.Server.Acme.Challenges;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.Extensions.Logging;

namespace Burrow.Server.Acme.Certificates;

/// <summary>
/// Plugs ACME into the HTTPS listener. Kestrel hands the raw ClientHello to <see cref="HttpsConnectionAdapterOptions.TlsClientHelloBytesCallback"/>
/// before the handshake; its SNI and ALPN are kept on the connection. Then, per connection, <see cref="HttpsConnectionAdapterOptions.OnAuthenticate"/>
/// chooses: a client offering "acme-tls/1" for a host with a TLS-ALPN-01 challenge in progress gets the challenge
/// certificate and that protocol only (RFC 8737, section 3); everyone else gets the SNI's certificate with its chain
/// and the listener's usual h2/http1.1. Real visitors never offer acme-tls/1, so they never see a challenge certificate.
/// </summary>
internal sealed partial class AcmeTlsHandshake
{
    private readonly AcmeCertificateSelector _selector;
    private readonly TlsAlpn01Responder _tlsAlpn01;
    private readonly ILogger _logger;

    public AcmeTlsHandshake(AcmeCertificateSelector selector, TlsAlpn01Responder tlsAlpn01, ILogger<AcmeTlsHandshake> logger)
    {
        _selector = selector;
        _tlsAlpn01 = tlsAlpn01;
        _logger = logger;
    }

    public void Configure(HttpsConnectionAdapterOptions https)
    {
        // Used only if the ClientHello could not be read (OnAuthenticate then leaves Kestrel's choice alone).
        https.ServerCertificateSelector = (_, name) => _selector.Select(name).Leaf;
        https.TlsClientHelloBytesCallback = OnClientHello;
        https.OnAuthenticate = OnAuthenticate;
    }

    private static void OnClientHello(ConnectionContext connection, System.Buffers.ReadOnlySequence<byte> bytes)
    {
        if (ClientHelloReader.TryRead(bytes, out var hello))
        {
            connection.Features.Set(hello);
        }
    }

    private void OnAuthenticate(ConnectionContext connection, SslServerAuthenticationOptions ssl)
    {
        if (connection.Features.Get<TlsClientHello>() is not { } hello)
        {
            return;
        }

        ssl.ServerCertificate = null;
        ssl.ServerCertificateSelectionCallback = null;
        if (hello.OffersAcmeTls && hello.ServerName is { } name && _tlsAlpn01.TryGet(name, out var challenge))
        {
            ssl.ApplicationProtocols = [TlsAlpn01Responder.AcmeTls1];
            ssl.ServerCertificateContext = challenge;
            Log.Served(_logger, "tls-alpn-01", name, connection.RemoteEndPoint?.ToString() ?? "unknown");
            return;
        }

        ssl.ServerCertificateContext = _selector.Select(hello.ServerName).Context;
    }

    private static partial class Log
    {
        [LoggerMessage(AcmeLogEventIds.ChallengeServed, LogLevel.Information, "ACME {Challenge} challenge for {Host} answered to {Remote}")]
        public static partial void Served(ILogger logger, string challenge, string host, string remote);
    }
}
