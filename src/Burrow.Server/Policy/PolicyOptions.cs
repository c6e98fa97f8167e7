namespace Burrow.Server.Policy;

/// <summary>
/// What the operator decides about visitor policies (docs/security.md, "Who can visit"). Configuration keys are the
/// property names; providers are <c>OidcProviders:0:Name</c>, <c>OidcProviders:0:Issuer</c>, and so on.
/// </summary>
public sealed class PolicyOptions
{
    /// <summary>OpenID Connect providers tunnels may use with <c>--oidc NAME</c> (default none).</summary>
    public List<OidcProviderOptions> OidcProviders { get; set; } = [];

    /// <summary>Networks (CIDR) that may visit no tunnel on this server, checked before any tunnel's own rules (default none).</summary>
    public List<string> DenyIps { get; set; } = [];

    /// <summary>Refuse tunnels that admit everyone: each needs basic auth, an IP allow list or OIDC (default false).</summary>
    public bool RequirePolicy { get; set; }

    /// <summary>
    /// Rules one tunnel's policy may have: users, networks, e-mail patterns and domains, header rules (default 64).
    /// Policies live in memory for as long as their channel, so a token holder must not be able to send large ones.
    /// </summary>
    public int MaxPolicyRules { get; set; } = 64;

    /// <summary>
    /// Basic-auth users per tunnel, and different user-and-password pairs per registration across all its names
    /// (default 10). Each pair costs a slow password hash (PBKDF2) during the registration, so the second bound is the
    /// one that caps the CPU a registration can take.
    /// </summary>
    public int MaxBasicAuthUsers { get; set; } = 10;

    /// <summary>Wrong basic-auth credentials one client network may send per minute (default 30); then 429 without checking.</summary>
    public int BasicAuthFailuresPerMinute { get; set; } = 30;

    /// <summary>
    /// Slow basic-auth checks the whole server makes per minute, from all networks together (default 600: at about
    /// 40 ms of PBKDF2 each, under half a core). The per-network budget alone does not bound the CPU: an IPv6 /48 holds
    /// 65,536 /64 networks. Over it, 429 without checking; passwords verified before still pass at HMAC cost.
    /// </summary>
    public int BasicAuthChecksPerMinute { get; set; } = 600;

    /// <summary>How long a single sign-on session on a tunnel lasts before the visitor signs in again (default 12 hours).</summary>
    public TimeSpan OidcSessionLifetime { get; set; } = TimeSpan.FromHours(12);
}
