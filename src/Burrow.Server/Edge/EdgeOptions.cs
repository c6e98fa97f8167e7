namespace Burrow.Server.Edge;

/// <summary>The public edge: where visitors and the registration API are served. Configuration keys are the property names.</summary>
public sealed class EdgeOptions
{
    /// <summary>Address to listen on (default "*", all interfaces). Shared with the channel port.</summary>
    public string ListenAddress { get; set; } = "*";

    /// <summary>Public HTTP port (default 8080; 0 picks a free port).</summary>
    public int HttpPort { get; set; } = 8080;

    /// <summary>HTTPS port (default none; 443 on a real domain, 8443 locally). Needs a certificate.</summary>
    public int? HttpsPort { get; set; }

    /// <summary>Kestrel limit on request header bytes on the public edge (default 32 KiB).</summary>
    public int MaxRequestHeadersSize { get; set; } = 32 * 1024;

    /// <summary>Kestrel limit on the request line on the public edge (default 8 KiB).</summary>
    public int MaxRequestLineSize { get; set; } = 8 * 1024;

    /// <summary>
    /// Networks (CIDR) of load balancers whose X-Forwarded-For/-Proto headers are believed (default none: incoming
    /// forwarded headers are replaced, never passed through).
    /// </summary>
    public List<string> TrustedProxies { get; set; } = [];

    /// <summary>HSTS max-age sent on HTTPS responses (default 365 days; 0 turns HSTS off).</summary>
    public TimeSpan HstsMaxAge { get; set; } = TimeSpan.FromDays(365);

    /// <summary>Whether HSTS covers every tunnel under the domain (default true: every tunnel is served over HTTPS).</summary>
    public bool HstsIncludeSubdomains { get; set; } = true;
}
