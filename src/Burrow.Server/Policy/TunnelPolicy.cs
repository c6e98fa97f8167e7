namespace Burrow.Server.Policy;

/// <summary>
/// Who may visit one tunnel name, and what the edge changes on the way: the policy its agent registered, validated
/// and compiled (passwords hashed). Immutable; a route carries it, so the edge reads it per request without a lookup.
/// </summary>
internal sealed class TunnelPolicy
{
    private TunnelPolicy(string host)
    {
        Host = host;
    }

    /// <summary>The public host this policy guards (demo.example.com).</summary>
    public string Host { get; }

    public NetworkList AllowIps { get; private init; } = NetworkList.Empty;

    public NetworkList DenyIps { get; private init; } = NetworkList.Empty;

    public BasicAuthUsers? BasicAuth { get; private init; }

    public OidcAccess? Oidc { get; private init; }

    public HeaderEdits RequestHeaders { get; private init; } = HeaderEdits.None;

    public HeaderEdits ResponseHeaders { get; private init; } = HeaderEdits.None;

    /// <summary>The Host the local server receives; null keeps the public one.</summary>
    public string? HostHeader { get; private init; }

    /// <summary>One line for people (console, logs, admin API); never a secret.</summary>
    public string Summary { get; private init; } = "open";

    /// <summary>
    /// Identifies the policy as the agent sent it (<see cref="PolicyFingerprint"/>): the agents of one pool must send
    /// the same. Empty for a tunnel open to everyone without header rules.
    /// </summary>
    public byte[] Fingerprint { get; private init; } = PolicyFingerprint.Open;

    /// <summary>True when the policy limits who may visit (basic auth, an allow list, or single sign-on).</summary>
    public bool LimitsVisitors => BasicAuth is not null || AllowIps.Count > 0 || Oidc is not null;

    /// <summary>True when the edge has anything to check before forwarding (the fast path skips the rest).</summary>
    public bool ChecksVisitors => LimitsVisitors || DenyIps.Count > 0;

    public static TunnelPolicy Open(string host) => new(host);

    public static TunnelPolicy Create(
        string host,
        NetworkList allow,
        NetworkList deny,
        BasicAuthUsers? basicAuth,
        OidcAccess? oidc,
        HeaderEdits requestHeaders,
        HeaderEdits responseHeaders,
        string? hostHeader,
        string summary,
        byte[] fingerprint)
        => new(host)
        {
            Fingerprint = fingerprint,
            AllowIps = allow,
            DenyIps = deny,
            BasicAuth = basicAuth,
            Oidc = oidc,
            RequestHeaders = requestHeaders,
            ResponseHeaders = responseHeaders,
            HostHeader = hostHeader,
            Summary = summary,
        };
}
