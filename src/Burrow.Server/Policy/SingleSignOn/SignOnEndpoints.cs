using Burrow.Protocol;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Burrow.Server.Policy.SingleSignOn;

/// <summary>
/// The base domain's half of single sign-on. <see cref="SignOnPaths.Login"/> starts the provider's authorization
/// code flow for a sign-in a tunnel asked for; <see cref="SignOnPaths.Callback"/> (the one redirect URI) lets that
/// provider's handler check the answer (state, correlation cookie, PKCE, ID token, nonce), then sends the browser back
/// to the tunnel with a one-time ticket bound to that tunnel's host. The tunnel's policy is checked there, on every
/// request, so a user it does not admit gets its 403 page.
/// </summary>
internal static partial class SignOnEndpoints
{
    private const string HostItem = "burrow.host";
    private const string OriginItem = "burrow.origin";
    private const string ReturnItem = "burrow.return";
    private const string BindingItem = "burrow.binding";

    public static async Task LoginAsync(HttpContext context)
    {
        var tokens = context.RequestServices.GetRequiredService<SignOnTokens>();
        if (tokens.UnprotectRequest(context.Request.Query["t"]) is not { } request)
        {
            await PagesOf(context).WriteAsync(context, StatusCodes.Status400BadRequest, "Sign-in expired", "This sign-in link is not valid or expired. Visit the tunnel again to sign in.");
            return;
        }

        var handler = await context.RequestServices.GetRequiredService<SignOnSchemes>().HandlerAsync(context, request.Provider);
        if (handler is null)
        {
            await PagesOf(context).WriteAsync(context, StatusCodes.Status400BadRequest, "Unknown provider", $"This server no longer offers the sign-in provider '{request.Provider}'.");
            return;
        }

        var properties = new AuthenticationProperties { RedirectUri = "/" };
        properties.Items[HostItem] = request.Host;
        properties.Items[OriginItem] = request.Origin;
        properties.Items[ReturnItem] = request.ReturnPath;
        properties.Items[BindingItem] = request.Binding;
        await handler.ChallengeAsync(properties);
    }

    public static async Task CallbackAsync(HttpContext context)
    {
        var provider = ProviderTaggedState.ProviderOf(context.Request.Query["state"]);
        var handler = provider is null ? null : await context.RequestServices.GetRequiredService<SignOnSchemes>().HandlerAsync(context, provider);
        if (handler is null || !await handler.HandleRequestAsync())
        {
            await PagesOf(context).WriteAsync(context, StatusCodes.Status400BadRequest, "Unknown sign-in", "This answer from a sign-in provider is not for a sign-in this server started.");
        }
    }

    /// <summary>The provider's answer checked out: hand the user to the tunnel that asked, never signing in here.</summary>
    internal static async Task OnTicketReceivedAsync(TicketReceivedContext context)
    {
        context.HandleResponse();
        var http = context.HttpContext;
        var provider = context.Scheme.Name["burrow-oidc-".Length..];
        var items = context.Properties?.Items;
        var principal = context.Principal;
        var email = principal?.FindFirst("email")?.Value;
        if (items is null || !items.TryGetValue(HostItem, out var host) || !items.TryGetValue(OriginItem, out var origin) || !items.TryGetValue(BindingItem, out var binding)
            || host is null || origin is null || binding is null)
        {
            await PagesOf(http).WriteAsync(http, StatusCodes.Status400BadRequest, "Unknown sign-in", "This sign-in does not say which tunnel it is for.");
            return;
        }

        if (string.IsNullOrEmpty(email))
        {
            await PagesOf(http).WriteAsync(http, StatusCodes.Status403Forbidden, "No e-mail address", $"{provider} did not tell this server your e-mail address, so {host} cannot check it (the provider must grant the 'email' scope).");
            return;
        }

        // OpenID Connect Core 1.0, section 5.1: email_verified is a boolean the provider may leave out; an address it
        // does not vouch for could be anyone's (a provider where users type their own address).
        var verified = principal!.FindFirst("email_verified")?.Value;
        var trusted = verified is null && http.RequestServices.GetRequiredService<IOptions<PolicyOptions>>().Value.OidcProviders
            .Any(p => p.Name == provider && p.TrustAddressesWithoutVerifiedClaim);
        if (!trusted && !string.Equals(verified, "true", StringComparison.OrdinalIgnoreCase))
        {
            await PagesOf(http).WriteAsync(http, StatusCodes.Status403Forbidden, "E-mail address not verified", $"{provider} says your address {email} is not verified; verify it there, then visit {host} again.");
            return;
        }

        var name = principal.FindFirst("name")?.Value ?? principal.FindFirst("preferred_username")?.Value ?? email;
        var tokens = http.RequestServices.GetRequiredService<SignOnTokens>();
        var ticket = tokens.IssueHandoff(host, new SignOnSession(provider, email, name, tokens.Now), items.TryGetValue(ReturnItem, out var back) && back is not null ? back : "/", binding);
        http.Response.Headers.CacheControl = "no-store";
        http.Response.Redirect($"{origin}{SignOnPaths.Session}?ticket={ticket}");
    }

    internal static async Task OnRemoteFailureAsync(RemoteFailureContext context)
    {
        context.HandleResponse();
        var http = context.HttpContext;
        var provider = context.Scheme.Name["burrow-oidc-".Length..];
        var detail = PeerText.Escape(context.Failure?.Message ?? "no detail");
        Log.Failed(http.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(SignOnEndpoints)), provider, detail);
        await PagesOf(http).WriteAsync(http, StatusCodes.Status400BadRequest, "Sign-in failed", $"Signing in with {provider} failed: {detail}");
    }

    private static IVisitorPages PagesOf(HttpContext context) => context.RequestServices.GetRequiredService<IVisitorPages>();

    private static partial class Log
    {
        [LoggerMessage(ServerEventIds.SignOnFailed, LogLevel.Warning, "Sign-in with {Provider} failed: {Detail}")]
        public static partial void Failed(ILogger logger, string provider, string detail);
    }
}
