using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;

namespace Burrow.Server.Tests.Acme.Infrastructure;

/// <summary>One TLS handshake to a loopback port with a chosen SNI and ALPN list: what certificate and protocol come back.</summary>
internal static class TlsProbe
{
    public static async Task<(X509Certificate2 Certificate, string Protocol)> HandshakeAsync(int port, string serverName, params string[] alpn)
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(IPAddress.Loopback, port);
        await using var tls = new SslStream(tcp.GetStream(), false);
        await tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
        {
            TargetHost = serverName,
            RemoteCertificateValidationCallback = (_, _, _, _) => true,
            ApplicationProtocols = alpn.Length == 0 ? null : [.. alpn.Select(p => new SslApplicationProtocol(p))],
        });
        return (X509CertificateLoader.LoadCertificate(tls.RemoteCertificate!.GetRawCertData()), tls.NegotiatedApplicationProtocol.ToString());
    }
}
