using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography.X509Certificates;
using Burrow.Testing;

namespace Burrow.Server.Tests.TenantSafety;

/// <summary>
/// Issue #10, findings 4 and 7: credentials are never read over plain HTTP from another host when HTTPS is on, the
/// HTTPS edge sends HSTS, the data directory and database are the server's user's alone, and the development
/// certificate is a leaf, not a certificate authority.
/// </summary>
public sealed class TransportSecurityTests
{
    [Fact]
    public async Task Api_over_plain_http_from_a_remote_client_is_refused_and_never_authenticated()
    {
        // Behind a trusted proxy the client's address is the forwarded one: a remote client, from the edge's view.
        await using var host = await TunnelTestHost.StartAsync(s => s
            .Edge(o => (o.HttpsPort, o.TrustedProxies) = (0, ["127.0.0.0/8"]))
            .Certificates(o => o.DevCertificate = true));
        using var remote = Registration("203.0.113.7");
        using var local = Registration(forwardedFor: null);

        using var refused = await host.PublicClient.SendAsync(remote);
        using var loopback = await host.PublicClient.SendAsync(local);

        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Contains("HTTPS only", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Unauthorized, loopback.StatusCode);
        await host.Logs.WaitForAsync(ServerEventIds.PlainHttpApiRefused, "203.0.113.7");
        Assert.Single(host.Logs.Entries, e => e.EventId == ServerEventIds.AuthenticationFailed);

        HttpRequestMessage Registration(string? forwardedFor)
        {
            var request = new HttpRequestMessage(HttpMethod.Post, host.ApiUri) { Content = JsonContent.Create(new { username = "alice", domain = "x" }) };
            request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", "brw_not-a-real-token");
            if (forwardedFor is not null)
            {
                request.Headers.Add("X-Forwarded-For", forwardedFor);
            }

            return request;
        }
    }

    [Fact]
    public async Task Https_responses_carry_hsts_for_the_domain_and_its_tunnels()
    {
        await using var host = await TunnelTestHost.StartAsync(s => s.Edge(o => o.HttpsPort = 0).Certificates(o => o.DevCertificate = true));
        using var handler = new SocketsHttpHandler
        {
            UseProxy = false,
            SslOptions = { RemoteCertificateValidationCallback = (_, _, _, _) => true },
        };
        using var client = new HttpClient(handler);

        using var response = await client.GetAsync(new Uri($"https://127.0.0.1:{host.Server.HttpsPort}/api/health"));

        Assert.Equal("max-age=31536000; includeSubDomains", response.Headers.GetValues("Strict-Transport-Security").Single());
    }

    [Fact]
    public async Task Data_directory_and_database_files_are_owner_only_even_when_they_were_looser()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        using var directory = new TempDataDirectory(create: true);
        File.SetUnixFileMode(directory.Path, (UnixFileMode)0b111_101_101);
        using (var store = Burrow.Server.Accounts.AccountStore.Open(directory.Path))
        {
            store.AddUser("alice");
        }

        var database = Path.Combine(directory.Path, "burrow.db");
        File.SetUnixFileMode(database, (UnixFileMode)0b110_100_100);

        await using var host = await TunnelTestHost.StartAsync(null, null, directory.Path);
        host.CreateUser("bob");

        Assert.Equal((UnixFileMode)0b111_000_000, File.GetUnixFileMode(directory.Path));
        foreach (var file in Directory.GetFiles(directory.Path, "burrow.db*"))
        {
            Assert.Equal((UnixFileMode)0b110_000_000, File.GetUnixFileMode(file));
        }
    }

    [Fact]
    public async Task Development_certificate_is_a_leaf_for_the_domain_and_its_key_is_owner_only()
    {
        await using var host = await TunnelTestHost.StartAsync(s => s.Edge(o => o.HttpsPort = 0).Certificates(o => o.DevCertificate = true));

        using var certificate = X509CertificateLoader.LoadCertificateFromFile(Path.Combine(host.DataDirectory, "dev-cert.pem"));
        var constraints = certificate.Extensions.OfType<X509BasicConstraintsExtension>().Single();

        Assert.False(constraints.CertificateAuthority);
        Assert.True(certificate.MatchesHostname("localhost") && certificate.MatchesHostname("x.localhost"));
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal((UnixFileMode)0b110_000_000, File.GetUnixFileMode(Path.Combine(host.DataDirectory, "dev-key.pem")));
        }
    }
}
