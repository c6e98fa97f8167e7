using System.Formats.Asn1;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using Burrow.Server.Acme;
using Burrow.Server.Acme.Challenges;
using Burrow.Server.Acme.Protocol;
using Burrow.Server.Tests.Acme.Infrastructure;
using Burrow.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Burrow.Server.Tests.Acme.Challenges;

/// <summary>
/// TLS-ALPN-01 on a real server's HTTPS port: only a ClientHello offering acme-tls/1 for a host with a challenge in
/// progress gets the challenge certificate; browsers (h2, http/1.1) keep the normal one. Plus the ClientHello reader
/// on real hellos from SslStream and on every truncation of one.
/// </summary>
public sealed class TlsAlpnRoutingTests : IAsyncLifetime
{
    private const string KeyAuthorizationValue = "evaGxfADs6pSRb2LAv9IZf17Dt3juxGJ-PCt92wr-oA.NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs";
    private TunnelTestHost _host = null!;

    public async Task InitializeAsync()
    {
        // No CA is reachable (port 1): the manager keeps retrying in the background; the listener is what is tested.
        _host = await TunnelTestHost.StartAsync(s => s
            .Naming(o => o.Domain = "burrow.test")
            .Edge(o => o.HttpsPort = 0)
            .Acme(o => (o.Enabled, o.DirectoryUrl, o.Challenge) = (true, "https://127.0.0.1:1/dir", AcmeChallengeType.TlsAlpn01)));
        _host.Server.Services.GetRequiredService<TlsAlpn01Responder>().Add("demo.burrow.test", KeyAuthorizationValue);
    }

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task Validator_offering_acme_tls_gets_the_challenge_certificate_with_the_key_authorization_digest()
    {
        var (certificate, protocol) = await HandshakeAsync("demo.burrow.test", "acme-tls/1");

        Assert.Equal("acme-tls/1", protocol);
        Assert.True(certificate.MatchesHostname("demo.burrow.test"));
        var extension = certificate.Extensions[TlsAlpn01Responder.AcmeIdentifierOid]!;
        Assert.True(extension.Critical);
        Assert.Equal(KeyAuthorization.Digest(KeyAuthorizationValue), new AsnReader(extension.RawData, AsnEncodingRules.DER).ReadOctetString());
    }

    [Fact]
    public async Task Browser_for_the_same_host_gets_the_normal_certificate_and_http2()
    {
        var (certificate, protocol) = await HandshakeAsync("demo.burrow.test", "h2", "http/1.1");

        Assert.Equal("h2", protocol);
        Assert.Null(certificate.Extensions[TlsAlpn01Responder.AcmeIdentifierOid]);
        Assert.Contains("certificate pending", certificate.Subject, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Acme_tls_for_a_host_without_a_challenge_gets_no_challenge_certificate()
    {
        var (certificate, _) = await HandshakeAsync("other.burrow.test", "acme-tls/1", "http/1.1");

        Assert.Null(certificate.Extensions[TlsAlpn01Responder.AcmeIdentifierOid]);
    }

    [Fact]
    public async Task Client_hello_reader_finds_sni_and_alpn_in_real_hellos_and_survives_every_truncation()
    {
        var hello = await CaptureClientHelloAsync("Demo.Burrow.Test", "h2", "acme-tls/1");
        var plain = await CaptureClientHelloAsync("demo.burrow.test", "h2", "http/1.1");

        Assert.True(ClientHelloReader.TryRead(hello, out var parsed));
        Assert.Equal(new TlsClientHello("demo.burrow.test", true), parsed);
        Assert.True(ClientHelloReader.TryRead(plain, out var browser));
        Assert.False(browser.OffersAcmeTls);
        for (var length = 0; length < hello.Length; length++)
        {
            // Every prefix: false or a result, never an exception or a read past the end.
            if (ClientHelloReader.TryRead(hello.AsSpan(0, length), out var partial))
            {
                Assert.False(partial.OffersAcmeTls && partial.ServerName is null);
            }
        }

        var corrupted = (byte[])hello.Clone();
        corrupted[0] = 23; // Application data, not a handshake.
        Assert.False(ClientHelloReader.TryRead(corrupted, out _));
    }

    private Task<(X509Certificate2 Certificate, string Protocol)> HandshakeAsync(string serverName, params string[] alpn) =>
        TlsProbe.HandshakeAsync(_host.Server.HttpsPort!.Value, serverName, alpn);

    /// <summary>The first TLS record a real SslStream client sends.</summary>
    private static async Task<byte[]> CaptureClientHelloAsync(string serverName, params string[] alpn)
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        using var client = new TcpClient();
        await client.ConnectAsync(IPAddress.Loopback, ((IPEndPoint)listener.LocalEndpoint).Port);
        using var server = await listener.AcceptTcpClientAsync();
        var tls = new SslStream(client.GetStream(), false, (_, _, _, _) => true);
        var handshake = tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions { TargetHost = serverName, ApplicationProtocols = [.. alpn.Select(p => new SslApplicationProtocol(p))] });
        var stream = server.GetStream();
        var header = new byte[5];
        await stream.ReadExactlyAsync(header);
        var record = new byte[5 + ((header[3] << 8) | header[4])];
        header.CopyTo(record, 0);
        await stream.ReadExactlyAsync(record.AsMemory(5));
        server.Close();
        await Assert.ThrowsAnyAsync<Exception>(() => handshake);
        await tls.DisposeAsync();
        return record;
    }
}
