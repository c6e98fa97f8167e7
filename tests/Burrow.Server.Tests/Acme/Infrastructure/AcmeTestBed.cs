using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using Burrow.Protocol.Transport;
using Burrow.Server.Acme;
using Burrow.Server.Hosting;
using Burrow.Testing;

namespace Burrow.Server.Tests.Acme.Infrastructure;

/// <summary>
/// A real Burrow server for <c>burrow.test</c> with ACME on, a real pebble validating against the server's own HTTP
/// and HTTPS ports, and a DNS server for pebble (a pebble-challtestsrv answering 127.0.0.1 unless the test brings
/// its own, such as BIND). Pebble must know the server's ports before the server asks it for anything, so the
/// server's ports are reserved first and everything is retried with fresh ports if one was taken meanwhile.
/// </summary>
internal sealed class AcmeTestBed : IAsyncDisposable
{
    public const string Domain = "burrow.test";

    private int _connections;

    private AcmeTestBed(ChallTestServer? dns, PebbleServer pebble, TunnelTestHost host)
    {
        ChallTest = dns;
        Pebble = pebble;
        Host = host;
    }

    public ChallTestServer? ChallTest { get; }

    public PebbleServer Pebble { get; }

    public TunnelTestHost Host { get; }

    public int HttpsPort => Host.Server.HttpsPort!.Value;

    /// <summary>TLS connections opened by clients from <see cref="HttpsClient"/>.</summary>
    public int Connections => Volatile.Read(ref _connections);

    public static async Task<AcmeTestBed> StartAsync(Action<AcmeOptions>? configure = null, string? dnsServer = null, int? validitySeconds = null, IEnumerable<string>? blocklist = null, bool pebbleTlsUnderIntermediate = false)
    {
        var dns = dnsServer is null ? await ChallTestServer.StartAsync() : null;
        for (var attempt = 1; ; attempt++)
        {
            var ports = LoopbackPorts.Take(2);
            var pebble = await PebbleServer.StartAsync(ports[0], ports[1], dnsServer ?? dns!.DnsAddress, validitySeconds, blocklist, pebbleTlsUnderIntermediate);
            try
            {
                var host = await TunnelTestHost.StartAsync(s => s
                    .Naming(o => o.Domain = Domain)
                    .Edge(o => (o.HttpPort, o.HttpsPort) = (ports[0], ports[1]))
                    .Acme(o =>
                    {
                        pebble.Configure(o);
                        configure?.Invoke(o);
                    }));
                return new AcmeTestBed(dns, pebble, host);
            }
            catch (IOException) when (attempt < LoopbackPorts.Attempts)
            {
                await pebble.DisposeAsync();
            }
        }
    }

    public Task WaitForIssuedAsync(string names, TimeSpan? timeout = null) =>
        Host.Logs.WaitForAsync(AcmeLogEventIds.CertificateIssued, $"certificate for {names} issued", timeout ?? TimeSpan.FromSeconds(30));

    /// <summary>An HTTPS client that dials the server's HTTPS port for any host, and trusts only <paramref name="root"/> (with the name checked).</summary>
    public HttpClient HttpsClient(X509Certificate2 root)
    {
        var handler = new SocketsHttpHandler
        {
            UseProxy = false,
            ConnectCallback = async (_, cancellationToken) =>
            {
                Interlocked.Increment(ref _connections);
                var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, HttpsPort), cancellationToken);
                return new NetworkStream(socket, ownsSocket: true);
            },
        };
        handler.SslOptions.RemoteCertificateValidationCallback = (_, certificate, chain, errors) => ChainsTo(root, certificate, chain, errors);
        return new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(30) };
    }

    /// <summary>The certificate (and negotiated protocol) the HTTPS port presents for <paramref name="serverName"/>.</summary>
    public Task<(X509Certificate2 Certificate, string Protocol)> HandshakeAsync(string serverName, params string[] alpn) =>
        TlsProbe.HandshakeAsync(HttpsPort, serverName, alpn);

    public async ValueTask DisposeAsync()
    {
        await Host.DisposeAsync();
        await Pebble.DisposeAsync();
        if (ChallTest is not null)
        {
            await ChallTest.DisposeAsync();
        }
    }

    /// <summary>Name must match (no errors but chain errors) and the chain the server sent must lead to pebble's root.</summary>
    public static bool ChainsTo(X509Certificate2 root, X509Certificate? certificate, X509Chain? sent, SslPolicyErrors errors)
    {
        if (certificate is null || (errors & ~SslPolicyErrors.RemoteCertificateChainErrors) != SslPolicyErrors.None)
        {
            return false;
        }

        // Only what the server sent may fill the gap between leaf and root: the intermediate must be in the handshake.
        return PrivateRootTrust.ChainsToRoot([root], certificate, sent);
    }
}
