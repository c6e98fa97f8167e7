using System.Net;
using Burrow.Protocol.Mux;

namespace Burrow.Server.Hosting;

/// <summary>
/// Everything the server needs to start. Defaults are the embedded ones a newcomer gets from a bare
/// <c>burrow server</c>: domain "localhost", HTTP on 8080, channel on 7835, data in ./burrow-data.
/// Bound from burrow.json, then BURROW__* environment variables, then the command line (later wins).
/// </summary>
public sealed class BurrowServerOptions
{
    /// <summary>The base domain (default "localhost"). Tunnels are served at NAME.Domain; the API at Domain itself.</summary>
    public string Domain { get; set; } = "localhost";

    /// <summary>Address to listen on (default "*", all interfaces). Tests use 127.0.0.1.</summary>
    public string ListenAddress { get; set; } = "*";

    /// <summary>Public HTTP port (default 8080; 0 picks a free port).</summary>
    public int HttpPort { get; set; } = 8080;

    /// <summary>Channel port agents connect to (default 7835; 0 picks a free port).</summary>
    public int ChannelPort { get; set; } = 7835;

    /// <summary>Port written into public URLs, when a load balancer or NAT maps another one (default: the bound HTTP port).</summary>
    public int? PublicPort { get; set; }

    /// <summary>Directory for burrow.db and generated certificates (default ./burrow-data).</summary>
    public string DataDirectory { get; set; } = "burrow-data";

    /// <summary>How long a registration's channel id stays valid if no channel presents it (default 30 s).</summary>
    public TimeSpan RegistrationLifetime { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Deadline for a new channel connection's first message (default 5 s).</summary>
    public TimeSpan HandshakeTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Names nobody may claim (default www, api, admin, mail).</summary>
    public List<string> ReservedNames { get; set; } = ["www", "api", "admin", "mail"];

    /// <summary>How often live channels are checked against revoked tokens (default 2 s).</summary>
    public TimeSpan RevocationCheckInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Time in-flight requests get to finish when the server stops (default 10 s).</summary>
    public TimeSpan ShutdownGracePeriod { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Kestrel limit on request header bytes on the public edge (default 32 KiB).</summary>
    public int MaxRequestHeadersSize { get; set; } = 32 * 1024;

    /// <summary>Kestrel limit on the request line on the public edge (default 8 KiB).</summary>
    public int MaxRequestLineSize { get; set; } = 8 * 1024;

    /// <summary>HTTPS port (default none; 443 on a real domain, 8443 locally). Needs a certificate or <see cref="DevCertificate"/>.</summary>
    public int? HttpsPort { get; set; }

    /// <summary>PEM certificate chain (e.g. certbot's fullchain.pem for example.com and *.example.com). Reloaded when it changes.</summary>
    public string? CertificatePath { get; set; }

    /// <summary>PEM private key of <see cref="CertificatePath"/>.</summary>
    public string? CertificateKeyPath { get; set; }

    /// <summary>Make (once, in the data directory) and use a self-signed certificate for the domain and its wildcard.</summary>
    public bool DevCertificate { get; set; }

    /// <summary>How often certificate files are checked for renewal (default 5 s).</summary>
    public TimeSpan CertificateCheckInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Networks (CIDR) of load balancers whose X-Forwarded-For/-Proto headers are believed (default none: incoming
    /// forwarded headers are replaced, never passed through).
    /// </summary>
    public List<string> TrustedProxies { get; set; } = [];

    /// <summary>Registrations allowed per client address per minute (default 30); the next gets 429 with Retry-After.</summary>
    public int RegistrationsPerMinute { get; set; } = 30;

    /// <summary>Channel connections allowed per client address per minute (default 60); beyond it they are closed at once.</summary>
    public int ChannelConnectionsPerMinute { get; set; } = 60;

    /// <summary>Channel multiplexing limits (streams, windows, keepalive).</summary>
    public MuxOptions Mux { get; set; } = new();

    /// <summary>Automatic certificates from an ACME CA (keys Acme:*; off by default). ACME (issue 12).</summary>
    public Acme.AcmeOptions Acme { get; set; } = new();

    /// <summary>True when the public edge serves HTTPS.</summary>
    public bool UsesHttps => HttpsPort is not null;

    /// <summary>Throws <see cref="InvalidOperationException"/> naming the first bad setting by its configuration key.</summary>
    public BurrowServerOptions Validate()
    {
        Check(Edge.TunnelNames.IsValidDomain(Domain), "Domain", $"'{Domain}' is not a valid domain name");
        Check(ListenAddress == "*" || IPAddress.TryParse(ListenAddress, out _), "ListenAddress", $"'{ListenAddress}' is not an IP address or *");
        Check(HttpPort is >= 0 and <= 65535, "HttpPort", $"{HttpPort} is not a port (0-65535)");
        Check(ChannelPort is >= 0 and <= 65535, "ChannelPort", $"{ChannelPort} is not a port (0-65535)");
        Check(HttpPort == 0 || HttpPort != ChannelPort, "ChannelPort", "must differ from HttpPort");
        Check(PublicPort is null or >= 1 and <= 65535, "PublicPort", $"{PublicPort} is not a port (1-65535)");
        Check(!string.IsNullOrWhiteSpace(DataDirectory), "DataDirectory", "must not be empty");
        Check(RegistrationLifetime > TimeSpan.Zero, "RegistrationLifetime", "must be positive");
        Check(HandshakeTimeout > TimeSpan.Zero, "HandshakeTimeout", "must be positive");
        Check(RevocationCheckInterval > TimeSpan.Zero, "RevocationCheckInterval", "must be positive");
        Check(MaxRequestHeadersSize >= 1024, "MaxRequestHeadersSize", "must be at least 1024");
        Check(MaxRequestLineSize >= 256, "MaxRequestLineSize", "must be at least 256");
        Check(HttpsPort is null or >= 0 and <= 65535, "HttpsPort", $"{HttpsPort} is not a port (0-65535)");
        Check(HttpsPort is null || DevCertificate || Acme.Enabled || (CertificatePath is not null && CertificateKeyPath is not null), "HttpsPort", "needs CertificatePath and CertificateKeyPath (or DevCertificate, or Acme:Enabled)");
        Check(!Acme.Enabled || (CertificatePath is null && !DevCertificate), "Acme:Enabled", "choose either ACME or a certificate file (CertificatePath, DevCertificate)");
        Check((CertificatePath is null) == (CertificateKeyPath is null), "CertificateKeyPath", "CertificatePath and CertificateKeyPath go together");
        Check(CertificatePath is null || File.Exists(CertificatePath), "CertificatePath", $"'{CertificatePath}' does not exist");
        Check(CertificateKeyPath is null || File.Exists(CertificateKeyPath), "CertificateKeyPath", $"'{CertificateKeyPath}' does not exist");
        Check(CertificateCheckInterval >= TimeSpan.Zero, "CertificateCheckInterval", "must not be negative");
        Check(RegistrationsPerMinute >= 1, "RegistrationsPerMinute", "must be at least 1");
        Check(ChannelConnectionsPerMinute >= 1, "ChannelConnectionsPerMinute", "must be at least 1");
        foreach (var network in TrustedProxies)
        {
            Check(IPNetwork.TryParse(network, out _), "TrustedProxies", $"'{network}' is not a network in CIDR notation (10.0.0.0/8)");
        }
        try
        {
            Mux.Validate();
        }
        catch (ArgumentOutOfRangeException ex)
        {
            throw new InvalidOperationException($"Mux:{ex.ParamName}: {ex.Message.Split(" (Parameter")[0]}", ex);
        }

        return this;
    }

    private static void Check(bool ok, string key, string problem)
    {
        if (!ok)
        {
            throw new InvalidOperationException($"{key}: {problem}.");
        }
    }
}
