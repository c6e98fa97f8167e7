using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using Burrow.Agent;
using Burrow.Testing;

namespace Burrow.Server.Tests.Hosting;

/// <summary>HTTPS on the public edge with a wildcard certificate from a test CA: HTTP/2, verification, reloads.</summary>
public sealed class HttpsTests : IAsyncLifetime, IDisposable
{
    private readonly TestCertificates _certificates = new();
    private string _certificatePath = null!;
    private string _keyPath = null!;
    private X509Certificate2 _leaf = null!;
    private TunnelScenario _scenario = null!;

    private TunnelTestHost Host => _scenario.Host;

    public async Task InitializeAsync()
    {
        _certificatePath = Path.Combine(_certificates.Directory, "fullchain.pem");
        _keyPath = Path.Combine(_certificates.Directory, "privkey.pem");
        _leaf = _certificates.Issue("localhost", _certificatePath, _keyPath, "first");
        // Each test starts its own agent, over HTTPS.
        _scenario = await TunnelScenario.StartAsync(
            "secure",
            s => s
                .Edge(o => o.HttpsPort = 0)
                .Certificates(o =>
                {
                    o.CertificatePath = _certificatePath;
                    o.CertificateKeyPath = _keyPath;
                    o.CertificateCheckInterval = TimeSpan.Zero;
                }),
            startAgent: false);
    }

    public async Task DisposeAsync() => await _scenario.DisposeAsync();

    public void Dispose()
    {
        _leaf.Dispose();
        _certificates.Dispose();
    }

    [Fact]
    public async Task Tunnel_is_served_over_https_with_http2_and_registration_works_over_https()
    {
        var options = HttpsAgent("secure");
        options.CaFile = _certificates.AuthorityPath;
        var agent = await Host.StartAgentAsync(options);

        // Registration went over HTTPS (the agent's server URL is https://, and the server answered with https URLs).
        Assert.Equal(Uri.UriSchemeHttps, options.Server!.Scheme);
        Assert.Equal($"https://secure.localhost:{Host.Server.HttpsPort}", agent.Agent.Bindings[0].PublicUrl);
        await Host.Logs.WaitForAsync(ServerEventIds.TunnelRegistered, "secure");

        using var client = HttpsClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, $"https://secure.localhost:{Host.Server.HttpsPort}/echo") { Version = HttpVersion.Version20, VersionPolicy = HttpVersionPolicy.RequestVersionExact };
        using var response = await client.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(HttpVersion.Version20, response.Version);
        Assert.Contains("x-forwarded-proto: https", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Response_trailers_reach_an_http2_client()
    {
        // Kestrel sends no trailers over HTTP/1.1, so the local server here is a raw socket writing a chunked body with one.
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var serving = Task.Run(async () =>
        {
            using var connection = await listener.AcceptTcpClientAsync();
            var stream = connection.GetStream();
            var head = new byte[4096];
            var read = 0;
            while (!System.Text.Encoding.ASCII.GetString(head, 0, read).Contains("\r\n\r\n", StringComparison.Ordinal))
            {
                read += await stream.ReadAsync(head.AsMemory(read));
            }

            await stream.WriteAsync("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nTrailer: x-checksum\r\nConnection: close\r\n\r\n17\r\nbody before the trailer\r\n0\r\nx-checksum: abc123\r\n\r\n"u8.ToArray());
        });
        var options = Host.AgentOptions(_scenario.User, _scenario.Token, new TunnelTarget("trailing", "127.0.0.1", ((IPEndPoint)listener.LocalEndpoint).Port));
        options.Server = new Uri($"https://localhost:{Host.Server.HttpsPort}");
        options.CaFile = _certificates.AuthorityPath;
        await Host.StartAgentAsync(options);

        using var client = HttpsClient("trailing.localhost");
        using var request = new HttpRequestMessage(HttpMethod.Get, $"https://trailing.localhost:{Host.Server.HttpsPort}/trailers") { Version = HttpVersion.Version20, VersionPolicy = HttpVersionPolicy.RequestVersionExact };
        using var response = await client.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();

        Assert.Equal("body before the trailer", body);
        Assert.Equal("abc123", response.TrailingHeaders.GetValues("x-checksum").Single());
        await serving.WaitAsync(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task Agent_refuses_a_server_certificate_it_cannot_verify()
    {
        await using var agent = RunningAgent.Start(HttpsAgent("unverified"));

        var ex = await Assert.ThrowsAsync<AgentException>(() => agent.Run.WaitAsync(TimeSpan.FromSeconds(15)));
        Assert.Equal(AgentExitCode.ConfigError, ex.ExitCode);
        Assert.Contains("certificate is not trusted", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Agent_accepts_an_unverified_certificate_only_with_insecure()
    {
        var options = HttpsAgent("devbox");
        options.Insecure = true;
        var agent = await Host.StartAgentAsync(options);

        Assert.Equal($"https://devbox.localhost:{Host.Server.HttpsPort}", agent.Agent.Bindings[0].PublicUrl);
        Assert.False(agent.Run.IsCompleted);
    }

    [Fact]
    public async Task Plain_http_redirects_to_https()
    {
        using var response = await Host.PublicClient.GetAsync(Host.PublicUri("anything", "/path?q=1"));
        Assert.Equal(HttpStatusCode.PermanentRedirect, response.StatusCode);
        Assert.Equal($"https://anything.localhost:{Host.Server.HttpsPort}/path?q=1", response.Headers.Location?.ToString());
    }

    [Fact]
    public async Task Certificate_swapped_on_disk_is_served_to_new_connections()
    {
        using (var first = await PresentedCertificateAsync())
        {
            Assert.Equal(_leaf.Thumbprint, first.Thumbprint);
        }

        // A renewal rewrites the files; the source notices by their modification time. Move it forward explicitly
        // rather than waiting for the file system's clock to tick (the check interval is zero in this class).
        var stamp = File.GetLastWriteTimeUtc(_certificatePath);
        var renewed = _certificates.Issue("localhost", _certificatePath, _keyPath, "renewed");
        File.SetLastWriteTimeUtc(_certificatePath, stamp.AddSeconds(2));
        File.SetLastWriteTimeUtc(_keyPath, stamp.AddSeconds(2));

        using var presented = await PresentedCertificateAsync();
        Assert.Equal(renewed.Thumbprint, presented.Thumbprint);
        Assert.Contains("CN=renewed", presented.Subject, StringComparison.Ordinal);
    }

    private async Task<X509Certificate2> PresentedCertificateAsync()
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(IPAddress.Loopback, Host.Server.HttpsPort!.Value);
        await using var tls = new SslStream(tcp.GetStream(), false, (_, _, _, _) => true);
        await tls.AuthenticateAsClientAsync("demo.localhost");
        return new X509Certificate2(tls.RemoteCertificate!);
    }

    private AgentOptions HttpsAgent(string name)
    {
        var options = _scenario.AgentOptions(name);
        options.Server = new Uri($"https://localhost:{Host.Server.HttpsPort}");
        return options;
    }

    private HttpClient HttpsClient(string host = "secure.localhost")
    {
        var authority = _certificates.Authority;
        var handler = new SocketsHttpHandler
        {
            UseProxy = false,
            ConnectCallback = async (_, ct) =>
            {
                var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
                await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, Host.Server.HttpsPort!.Value), ct);
                return new NetworkStream(socket, ownsSocket: true);
            },
            SslOptions = new SslClientAuthenticationOptions
            {
                RemoteCertificateValidationCallback = (_, certificate, _, errors) =>
                {
                    // .NET will not match "*.localhost" (a wildcard over a single-label name), so check the name here:
                    // the chain must lead to the test CA and the certificate must name the tunnel's wildcard.
                    if (certificate is null || !new X509Certificate2(certificate).MatchesHostname(host, allowWildcards: true, allowCommonName: false))
                    {
                        return false;
                    }

                    using var chain = new X509Chain();
                    chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
                    chain.ChainPolicy.CustomTrustStore.Add(authority);
                    chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
                    return chain.Build(new X509Certificate2(certificate));
                },
            },
        };
        return new HttpClient(handler, disposeHandler: true);
    }
}
