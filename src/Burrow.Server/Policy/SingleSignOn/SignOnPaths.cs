namespace Burrow.Server.Policy.SingleSignOn;

/// <summary>
/// The paths single sign-on uses. <c>/_burrow/</c> is the edge's on tunnels that use single sign-on: requests for it
/// never reach the local server there.
/// </summary>
internal static class SignOnPaths
{
    /// <summary>On the base domain: starts a sign-in (the tunnel redirects here).</summary>
    public const string Login = "/_burrow/oidc/login";

    /// <summary>On the base domain: the one redirect URI registered at every provider.</summary>
    public const string Callback = "/_burrow/oidc/callback";

    /// <summary>On the tunnel's host: turns a one-time ticket from the callback into the tunnel's session cookie.</summary>
    public const string Session = "/_burrow/oidc/session";

    /// <summary>On the tunnel's host: ends the session.</summary>
    public const string Logout = "/_burrow/logout";

    /// <summary>The session cookie over plain HTTP (development), host-only by having no Domain attribute.</summary>
    public const string CookieName = "burrow_session";

    /// <summary>Over HTTPS: the __Host- prefix makes the browser refuse the cookie unless Secure, Path=/ and without Domain (RFC 6265bis 4.1.3.2).</summary>
    public const string SecureCookieName = "__Host-burrow_session";

    /// <summary>
    /// Set on the tunnel's host when a sign-in starts; the hand-off ticket carries its hash, and only the browser that
    /// holds it can redeem the ticket (else a link someone stopped short of redeeming would sign a victim in as them).
    /// </summary>
    public const string BindingCookieName = "burrow_signin";
}
