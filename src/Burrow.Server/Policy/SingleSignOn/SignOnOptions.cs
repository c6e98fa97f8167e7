using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;

namespace Burrow.Server.Policy.SingleSignOn;

/// <summary>
/// How each provider's OpenID Connect handler works: authorization code flow with PKCE, the code in the query (so the
/// correlation and nonce cookies can be SameSite=Lax, host-only on the base domain, and work over plain HTTP in
/// development), claims from the userinfo endpoint, the one shared callback path, and the events of
/// <see cref="SignOnEndpoints"/>. Discovery must be HTTPS except on loopback.
/// </summary>
internal sealed class SignOnOptions : IConfigureNamedOptions<OpenIdConnectOptions>, IPostConfigureOptions<OpenIdConnectOptions>
{
    private static readonly string[] DefaultScopes = ["email", "profile"];

    private readonly PolicyOptions _options;

    public SignOnOptions(IOptions<PolicyOptions> options)
    {
        _options = options.Value;
    }

    public void Configure(OpenIdConnectOptions options) => Configure(Options.DefaultName, options);

    public void Configure(string? name, OpenIdConnectOptions options)
    {
        var provider = _options.OidcProviders.FirstOrDefault(p => SignOnSchemes.SchemeOf(p.Name) == name);
        if (provider is null)
        {
            return;
        }

        options.Authority = provider.Issuer;
        options.RequireHttpsMetadata = !PolicyOptionsValidator.IsLoopback(new Uri(provider.Issuer));
        options.ClientId = provider.ClientId;
        options.ClientSecret = provider.ClientSecret;
        options.ResponseType = OpenIdConnectResponseType.Code;
        options.ResponseMode = OpenIdConnectResponseMode.Query;
        options.UsePkce = true;
        options.Scope.Clear();
        options.Scope.Add("openid");
        foreach (var scope in provider.Scopes.Count > 0 ? provider.Scopes : [.. DefaultScopes])
        {
            if (!options.Scope.Contains(scope))
            {
                options.Scope.Add(scope);
            }
        }

        options.CallbackPath = SignOnPaths.Callback;
        options.GetClaimsFromUserInfoEndpoint = true;
        options.MapInboundClaims = false;
        options.SaveTokens = false;
        options.DisableTelemetry = true;
        options.BackchannelTimeout = TimeSpan.FromSeconds(30);
        options.TokenValidationParameters.NameClaimType = "name";
        foreach (var cookie in new[] { options.CorrelationCookie, options.NonceCookie })
        {
            // Host-only on the base domain, and Lax: the provider sends the browser back with a top-level GET.
            cookie.SameSite = SameSiteMode.Lax;
            cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            cookie.HttpOnly = true;
        }

        options.Events = new OpenIdConnectEvents
        {
            OnTicketReceived = SignOnEndpoints.OnTicketReceivedAsync,
            OnRemoteFailure = SignOnEndpoints.OnRemoteFailureAsync,
        };
    }

    /// <summary>Runs after the framework's own post-configuration, which created the state format this wraps.</summary>
    public void PostConfigure(string? name, OpenIdConnectOptions options)
    {
        var provider = _options.OidcProviders.FirstOrDefault(p => SignOnSchemes.SchemeOf(p.Name) == name);
        if (provider is not null && options.StateDataFormat is not ProviderTaggedState)
        {
            options.StateDataFormat = new ProviderTaggedState(options.StateDataFormat, provider.Name);
        }
    }
}
