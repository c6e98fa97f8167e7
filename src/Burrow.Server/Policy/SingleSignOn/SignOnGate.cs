using Burrow.Protocol;
using Burrow.Server.Naming;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;

namespace Burrow.Server.Policy.SingleSignOn;

/// <summary>
/// Single sign-on on a tunnel's own host. A visitor with a valid session cookie for this host and provider, whose
/// address the tunnel admits, goes on with their identity; one without is sent to the base domain to sign in
/// (<see cref="SignOnEndpoints"/>), which sends them back with a one-time ticket that becomes the cookie here. The
/// cookie is host-only (no Domain attribute), HttpOnly, SameSite=Lax, Secure over HTTPS, and readable only with this
/// host's protector: it never opens a sibling tunnel. The edge's own cookie is taken out of what the local server gets.
/// </summary>
internal sealed partial class SignOnGate
{
    private readonly SignOnTokens _tokens;
    private readonly IVisitorPages _pages;
    private readonly PublicAddresses _addresses;
    private readonly TimeSpan _lifetime;
    private readonly ILogger _logger;

    public SignOnGate(SignOnTokens tokens, IVisitorPages pages, PublicAddresses addresses, IOptions<PolicyOptions> options, ILogger<SignOnGate> logger)
    {
        _tokens = tokens;
        _pages = pages;
        _addresses = addresses;
        _lifetime = options.Value.OidcSessionLifetime;
        _logger = logger;
    }

    /// <summary>True when the visitor may go on (their identity is then a request feature); else the response is written.</summary>
    public async Task<bool> AdmitAsync(HttpContext context, TunnelPolicy policy, OidcAccess oidc)
    {
        var request = context.Request;
        if (request.Path.Equals(SignOnPaths.Logout, StringComparison.Ordinal))
        {
            DeleteCookie(context);
            await _pages.WriteAsync(context, StatusCodes.Status200OK, "Signed out", $"You are signed out of {policy.Host}. Visiting it again signs you in again (your session at the provider is not ended).");
            return false;
        }

        if (request.Path.Equals(SignOnPaths.Session, StringComparison.Ordinal))
        {
            await RedeemAsync(context, policy);
            return false;
        }

        var session = _tokens.UnprotectSession(policy.Host, request.Cookies[CookieName(request)]);
        if (session is null || session.Provider != oidc.Provider)
        {
            return await SignInAsync(context, policy, oidc);
        }

        if (!oidc.Admits(session.Email))
        {
            Log.Refused(_logger, PeerText.Escape(session.Email), policy.Host);
            await _pages.WriteAsync(context, StatusCodes.Status403Forbidden, "Not allowed", $"You are signed in as {session.Email}, who may not visit {policy.Host}. Sign out at {SignOnPaths.Logout} to use another account.");
            return false;
        }

        RemoveOwnCookie(request);
        context.Features.Set(new VisitorIdentity(session.Email, session.Name));
        return true;
    }

    private async Task<bool> SignInAsync(HttpContext context, TunnelPolicy policy, OidcAccess oidc)
    {
        var request = context.Request;
        if (!HttpMethods.IsGet(request.Method) && !HttpMethods.IsHead(request.Method))
        {
            await _pages.WriteAsync(context, StatusCodes.Status401Unauthorized, "Sign in", $"{policy.Host} needs you signed in with {oidc.Provider}: open it in a browser first.");
            return false;
        }

        // The sign-in runs on the base domain, where the one redirect URI lives; the visitor's own scheme and port
        // are kept (behind a trusted proxy the scheme is the one it forwarded).
        var origin = $"{request.Scheme}://{request.Host}";
        var port = request.Host.Port is { } p ? $":{p}" : string.Empty;
        var (cookie, binding) = SignOnTokens.NewBinding();
        var signOn = new SignOnRequest(oidc.Provider, policy.Host, origin, $"{request.PathBase}{request.Path}{request.QueryString}", _tokens.Now + SignOnTokens.RequestLifetime, binding);
        context.Response.Cookies.Append(SignOnPaths.BindingCookieName, cookie, BindingCookie(request, SignOnTokens.RequestLifetime));
        context.Response.Headers.CacheControl = "no-store";
        context.Response.Redirect($"{request.Scheme}://{_addresses.Domain}{port}{SignOnPaths.Login}?t={_tokens.ProtectRequest(signOn)}");
        return false;
    }

    private async Task RedeemAsync(HttpContext context, TunnelPolicy policy)
    {
        var request = context.Request;
        if (_tokens.RedeemHandoff(policy.Host, request.Query["ticket"]) is not { } handoff)
        {
            await _pages.WriteAsync(context, StatusCodes.Status400BadRequest, "Sign-in expired", $"This sign-in link is not valid for {policy.Host}, was used already, or expired. Visit {policy.Host} again to sign in.");
            return;
        }

        // Only the browser that started this sign-in may finish it (login CSRF: a link stopped short of redeeming,
        // sent to someone else, would sign them in as whoever made it).
        // (The binding cookie expires with the sign-in request and is never passed to the local server.)
        if (!SignOnTokens.IsBinding(request.Cookies[SignOnPaths.BindingCookieName], handoff.Binding))
        {
            await _pages.WriteAsync(context, StatusCodes.Status400BadRequest, "Sign-in started elsewhere", $"This sign-in link was started in another browser. Visit {policy.Host} in this one to sign in.");
            return;
        }

        var session = handoff.Session with { ExpiresAt = _tokens.Now + _lifetime };
        context.Response.Cookies.Append(CookieName(request), _tokens.ProtectSession(policy.Host, session), new CookieOptions
        {
            Path = "/",
            HttpOnly = true,
            Secure = request.IsHttps,
            SameSite = SameSiteMode.Lax,
            MaxAge = _lifetime,
        });
        Log.SignedIn(_logger, PeerText.Escape(session.Email), policy.Host, session.Provider);
        context.Response.Headers.CacheControl = "no-store";
        context.Response.Redirect(LocalPathOrRoot(handoff.ReturnPath));
    }

    /// <summary>
    /// The return path if it stays on this host, else "/": "//evil.example/x" (which Kestrel accepts as a request path)
    /// and "/\evil.example" are read by browsers as another host, and would make sign-in an open redirect.
    /// </summary>
    internal static string LocalPathOrRoot(string path)
        => path.Length > 0 && path[0] == '/' && (path.Length == 1 || (path[1] != '/' && path[1] != '\\')) ? path : "/";

    private static string CookieName(HttpRequest request) => request.IsHttps ? SignOnPaths.SecureCookieName : SignOnPaths.CookieName;

    private static CookieOptions BindingCookie(HttpRequest request, TimeSpan lifetime)
        => new() { Path = "/", HttpOnly = true, Secure = request.IsHttps, SameSite = SameSiteMode.Lax, MaxAge = lifetime };

    private static void DeleteCookie(HttpContext context)
    {
        var secure = context.Request.IsHttps;
        context.Response.Cookies.Delete(CookieName(context.Request), new CookieOptions { Path = "/", HttpOnly = true, Secure = secure, SameSite = SameSiteMode.Lax });
    }

    /// <summary>The local server gets the visitor's cookies, but not the edge's session.</summary>
    private static void RemoveOwnCookie(HttpRequest request)
    {
        var kept = new List<string>();
        var removed = false;
        foreach (var header in request.Headers.Cookie)
        {
            foreach (var pair in (header ?? string.Empty).Split(';', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
            {
                if (pair.StartsWith(SignOnPaths.CookieName + "=", StringComparison.Ordinal) || pair.StartsWith(SignOnPaths.SecureCookieName + "=", StringComparison.Ordinal)
                    || pair.StartsWith(SignOnPaths.BindingCookieName + "=", StringComparison.Ordinal))
                {
                    removed = true;
                    continue;
                }

                kept.Add(pair);
            }
        }

        if (removed)
        {
            request.Headers.Cookie = kept.Count == 0 ? StringValues.Empty : new StringValues(string.Join("; ", kept));
        }
    }

    private static partial class Log
    {
        [LoggerMessage(ServerEventIds.SignedIn, LogLevel.Information, "{Email} signed in to {Host} with {Provider}")]
        public static partial void SignedIn(ILogger logger, string email, string host, string provider);

        [LoggerMessage(ServerEventIds.SignOnRefused, LogLevel.Information, "{Email} may not visit {Host}")]
        public static partial void Refused(ILogger logger, string email, string host);
    }
}
