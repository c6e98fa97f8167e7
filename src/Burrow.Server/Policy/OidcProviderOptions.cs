namespace Burrow.Server.Policy;

/// <summary>
/// One OpenID Connect provider the operator registered Burrow with. Its redirect URI is
/// <c>https://DOMAIN/_burrow/oidc/callback</c>, the same for every provider.
/// </summary>
public sealed class OidcProviderOptions
{
    /// <summary>The name agents use (<c>--oidc NAME</c>): lower-case letters, digits and hyphens.</summary>
    public string Name { get; set; } = string.Empty;

    /// <summary>The issuer URL (discovery at ISSUER/.well-known/openid-configuration); https://, or http:// on loopback only.</summary>
    public string Issuer { get; set; } = string.Empty;

    /// <summary>The client id Burrow was registered with at the provider.</summary>
    public string ClientId { get; set; } = string.Empty;

    /// <summary>The client secret (a confidential client); keep the configuration file 0600.</summary>
    public string ClientSecret { get; set; } = string.Empty;

    /// <summary>
    /// Accept addresses from this provider when it sends no <c>email_verified</c> claim (default false: an address
    /// without the claim is refused, since e-mail allow lists and the <c>X-Burrow-User-Email</c> header rely on it).
    /// Set it only for a provider that verifies every address itself and leaves the claim out.
    /// </summary>
    public bool TrustAddressesWithoutVerifiedClaim { get; set; }

    /// <summary>Scopes asked for (default: openid email profile); openid is always asked for.</summary>
    public List<string> Scopes { get; set; } = [];
}
