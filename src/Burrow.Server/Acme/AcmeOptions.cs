namespace Burrow.Server.Acme;

/// <summary>
/// Automatic certificates from an ACME CA (RFC 8555). Configuration keys <c>Acme:KEY</c>; flags <c>--acme*</c>.
/// Off by default. With it on, the HTTPS port serves certificates the server orders itself: one for the base domain
/// and one per tunnel name when the name is claimed (on demand), or one wildcard for <c>domain</c> and
/// <c>*.domain</c> through DNS-01 (<see cref="Wildcard"/>).
/// </summary>
public sealed class AcmeOptions
{
    /// <summary>Let's Encrypt's production directory: the default CA.</summary>
    public const string LetsEncryptDirectory = "https://acme-v02.api.letsencrypt.org/directory";

    /// <summary>Let's Encrypt's staging directory (untrusted certificates, generous rate limits), chosen by <see cref="Staging"/>.</summary>
    public const string LetsEncryptStagingDirectory = "https://acme-staging-v02.api.letsencrypt.org/directory";

    /// <summary>Turns automatic certificates on (default false). Needs an HTTPS port (443 when none is set).</summary>
    public bool Enabled { get; set; }

    /// <summary>Contact address given to the CA for expiry and policy mail (default none; recommended).</summary>
    public string? Email { get; set; }

    /// <summary>The CA's directory URL (default Let's Encrypt production). Must be https.</summary>
    public string? DirectoryUrl { get; set; }

    /// <summary>Use Let's Encrypt's staging directory instead of production (default false).</summary>
    public bool Staging { get; set; }

    /// <summary>PEM file of a CA to trust for the directory's own TLS (a test CA such as pebble's); default the system store.</summary>
    public string? CaFile { get; set; }

    /// <summary>Challenge for per-name certificates (default Http01). Wildcards always use DNS-01.</summary>
    public AcmeChallengeType Challenge { get; set; } = AcmeChallengeType.Http01;

    /// <summary>One certificate for <c>domain</c> and <c>*.domain</c> through DNS-01 instead of one per name (default false). Needs a DNS provider.</summary>
    public bool Wildcard { get; set; }

    /// <summary>Primary DNS server for RFC 2136 dynamic updates, <c>host:port</c> (port 53 when omitted).</summary>
    public string? DnsRfc2136 { get; set; }

    /// <summary>TSIG key for <see cref="DnsRfc2136"/>, <c>name:algorithm:base64secret</c> (algorithm hmac-sha256, hmac-sha512, ...).</summary>
    public string? DnsTsig { get; set; }

    /// <summary>Executable called as <c>HOOK present|cleanup FQDN VALUE</c> to publish and remove the DNS-01 TXT record.</summary>
    public string? DnsHook { get; set; }

    /// <summary>
    /// Servers (<c>host:port</c>) asked for the TXT record before the CA is told to validate. Default: the RFC 2136
    /// primary, or with a hook the zone's authoritative servers, found through the system resolver.
    /// </summary>
    public List<string> DnsCheckServers { get; set; } = [];

    /// <summary>How long a TXT record may take to reach every checked server (default 2 min).</summary>
    public TimeSpan DnsPropagationTimeout { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>How long the DNS hook may run before it is killed (default 1 min).</summary>
    public TimeSpan DnsHookTimeout { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>On-demand certificates one user may cause per hour (default 10); more names wait for the next hour.</summary>
    public int OnDemandPerUserPerHour { get; set; } = 10;

    /// <summary>On-demand certificates the whole server orders per hour (default 30; Let's Encrypt allows 50 per domain per week).</summary>
    public int OnDemandPerHour { get; set; } = 30;

    /// <summary>First wait after a failed order (default 1 min), doubled per failure up to <see cref="RetryMaxDelay"/>.</summary>
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Longest wait between attempts of a failing order (default 6 h).</summary>
    public TimeSpan RetryMaxDelay { get; set; } = TimeSpan.FromHours(6);

    /// <summary>How long an order may take (authorizations validated, certificate issued) before it counts as failed (default 5 min).</summary>
    public TimeSpan OrderTimeout { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>The directory actually used: <see cref="DirectoryUrl"/>, else staging or production Let's Encrypt.</summary>
    public string EffectiveDirectoryUrl => DirectoryUrl ?? (Staging ? LetsEncryptStagingDirectory : LetsEncryptDirectory);

    /// <summary>True when a DNS-01 provider is configured.</summary>
    public bool HasDnsProvider => DnsRfc2136 is not null || DnsHook is not null;
}
