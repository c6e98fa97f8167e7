using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using Burrow.Protocol.Transport;
using Burrow.Server.Acme;

namespace Burrow.Server.Tests.Acme.Infrastructure;

/// <summary>
/// A real pebble (Let's Encrypt's test CA) on loopback, with a TLS certificate the test makes for its directory,
/// validating challenges on the given HTTP and TLS ports and resolving names through the given DNS server.
/// PEBBLE_VA_NOSLEEP=1; pebble's default rejection of 5% of nonces stays on, so badNonce retries happen for real.
/// </summary>
internal sealed class PebbleServer : IAsyncDisposable
{
    private readonly ExternalProcess _process;
    private readonly string _directory;

    private PebbleServer(ExternalProcess process, string directory, int acmePort, int managementPort)
    {
        _process = process;
        _directory = directory;
        AcmePort = acmePort;
        ManagementPort = managementPort;
    }

    public int AcmePort { get; }

    public int ManagementPort { get; }

    public string DirectoryUrl => $"https://localhost:{AcmePort}/dir";

    /// <summary>The PEM file to trust for pebble's own TLS (--acme-ca-file): its self-signed certificate, or the root above its intermediate.</summary>
    public string TlsCaFile => Path.Combine(_directory, "pebble-tls-ca.pem");

    public string Output => _process.Output;

    /// <param name="tlsUnderIntermediate">
    /// Serve the directory with a certificate issued by an intermediate (sent in the handshake) under a root that only
    /// <see cref="TlsCaFile"/> holds, as step-ca and other private CAs do; else with a self-signed certificate.
    /// </param>
    public static async Task<PebbleServer> StartAsync(int httpPort, int tlsPort, string dnsServer, int? validitySeconds = null, IEnumerable<string>? blocklist = null, bool tlsUnderIntermediate = false)
    {
        var binary = ExternalProcess.Require("pebble", "pebble");
        var directory = Path.Combine(Path.GetTempPath(), "burrow-pebble-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        PebbleTlsCertificate.Write(directory, "pebble-tls.pem", "pebble-tls.key", "pebble-tls-ca.pem", tlsUnderIntermediate);
        for (var attempt = 1; ; attempt++)
        {
            var ports = LoopbackPorts.Take(2);
            var config = new Dictionary<string, object?>
            {
                ["listenAddress"] = $"127.0.0.1:{ports[0]}",
                ["managementListenAddress"] = $"127.0.0.1:{ports[1]}",
                ["certificate"] = Path.Combine(directory, "pebble-tls.pem"),
                ["privateKey"] = Path.Combine(directory, "pebble-tls.key"),
                ["httpPort"] = httpPort,
                ["tlsPort"] = tlsPort,
                ["ocspResponderURL"] = "",
                ["externalAccountBindingRequired"] = false,
            };
            if (validitySeconds is { } validity)
            {
                config["certificateValidityPeriod"] = validity;
            }

            if (blocklist is not null)
            {
                config["domainBlocklist"] = blocklist.ToArray();
            }

            var configPath = Path.Combine(directory, "pebble-config.json");
            File.WriteAllText(configPath, JsonSerializer.Serialize(new Dictionary<string, object> { ["pebble"] = config }));
            var process = ExternalProcess.Start(binary, ["-config", configPath, "-dnsserver", dnsServer], new Dictionary<string, string> { ["PEBBLE_VA_NOSLEEP"] = "1" });
            if (await process.WaitForLineAsync("ACME directory available", TimeSpan.FromSeconds(20)) && !process.HasExited)
            {
                return new PebbleServer(process, directory, ports[0], ports[1]);
            }

            var output = process.Output;
            await process.DisposeAsync();
            if (!LoopbackPorts.IsConflict(output) || attempt == LoopbackPorts.Attempts)
            {
                throw new Xunit.Sdk.XunitException($"pebble did not start:\n{output}");
            }
        }
    }

    /// <summary>Options for a Burrow server that gets its certificates from this pebble.</summary>
    /// <summary>Points ACME options at this pebble, with short retries for tests.</summary>
    public void Configure(AcmeOptions options)
    {
        options.Enabled = true;
        options.Email = "ops@burrow.test";
        options.DirectoryUrl = DirectoryUrl;
        options.CaFile = TlsCaFile;
        options.RetryBaseDelay = TimeSpan.FromMilliseconds(250);
        options.RetryMaxDelay = TimeSpan.FromSeconds(2);
        options.OrderTimeout = TimeSpan.FromSeconds(60);
    }

    /// <summary>Pebble's issuing root (management interface /roots/0): what a visitor would trust.</summary>
    public async Task<X509Certificate2> RootAsync()
    {
        using var client = TrustingClient();
        var pem = await client.GetStringAsync(new Uri($"https://localhost:{ManagementPort}/roots/0"));
        return X509Certificate2.CreateFromPem(pem);
    }

    /// <summary>A client that trusts only <see cref="TlsCaFile"/> for pebble's TLS, through the intermediate pebble sends if it has one.</summary>
    public HttpClient TrustingClient()
    {
        var roots = new X509Certificate2Collection();
        roots.ImportFromPemFile(TlsCaFile);
        var handler = new SocketsHttpHandler { UseProxy = false };
        handler.SslOptions.RemoteCertificateValidationCallback = (_, certificate, sent, errors) =>
            certificate is not null
            && (errors & ~SslPolicyErrors.RemoteCertificateChainErrors) == SslPolicyErrors.None
            && PrivateRootTrust.ChainsToRoot(roots, certificate, sent);
        return new HttpClient(handler);
    }

    public async ValueTask DisposeAsync()
    {
        await _process.DisposeAsync();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
