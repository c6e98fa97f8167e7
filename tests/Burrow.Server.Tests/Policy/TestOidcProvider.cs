using System.Net;
using System.Security.Claims;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.Tokens;
using OpenIddict.Abstractions;
using static OpenIddict.Abstractions.OpenIddictConstants;
using static OpenIddict.Server.OpenIddictServerEvents;

namespace Burrow.Server.Tests.Policy;

/// <summary>
/// A real OpenID Connect provider (OpenIddict) on 127.0.0.1, port 0: authorization code flow with PKCE, one
/// confidential client, and a user who is signed in without a prompt (<see cref="User"/>, switchable per test).
/// Degraded mode: no database; the client and its redirect URI are checked by the handlers here.
/// </summary>
internal sealed class TestOidcProvider : IAsyncDisposable
{
    public const string ClientId = "burrow-test";
    public const string ClientSecret = "test-client-secret";

    private readonly WebApplication _app;
    private int _authorizations;

    private TestOidcProvider(WebApplication app)
    {
        _app = app;
    }

    /// <summary>The issuer, http://127.0.0.1:PORT/.</summary>
    public Uri Issuer { get; private set; } = null!;

    /// <summary>The one redirect URI the client may use (Burrow's callback, known once its server is bound).</summary>
    public string? RedirectUri { get; set; }

    /// <summary>Who the provider signs in.</summary>
    public TestUser User { get; set; } = new("ann@example.com", "Ann Example");

    /// <summary>Authorization requests answered with a signed-in user.</summary>
    public int Authorizations => Volatile.Read(ref _authorizations);

    public static async Task<TestOidcProvider> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0));
        TestOidcProvider? provider = null;
        builder.Services.AddOpenIddict().AddServer(server =>
        {
            server.SetAuthorizationEndpointUris("connect/authorize")
                .SetTokenEndpointUris("connect/token")
                .SetUserInfoEndpointUris("connect/userinfo");
            server.AllowAuthorizationCodeFlow().RequireProofKeyForCodeExchange();
            server.RegisterScopes(Scopes.Email, Scopes.Profile);
            server.AddEphemeralEncryptionKey().AddEphemeralSigningKey();
            server.EnableDegradedMode();
            server.UseAspNetCore().DisableTransportSecurityRequirement();
            server.AddEventHandler<ValidateAuthorizationRequestContext>(handler => handler.UseInlineHandler(context =>
            {
                if (context.Request.ClientId != ClientId)
                {
                    context.Reject(Errors.InvalidClient, "unknown client");
                }
                else if (context.Request.RedirectUri != provider!.RedirectUri)
                {
                    context.Reject(Errors.InvalidRequest, $"redirect_uri {context.Request.RedirectUri} is not registered");
                }

                return default;
            }));
            server.AddEventHandler<ValidateTokenRequestContext>(handler => handler.UseInlineHandler(context =>
            {
                if (context.Request.ClientId != ClientId || context.Request.ClientSecret != ClientSecret)
                {
                    context.Reject(Errors.InvalidClient, "bad client credentials");
                }

                return default;
            }));
            server.AddEventHandler<HandleAuthorizationRequestContext>(handler => handler.UseInlineHandler(context =>
            {
                var user = provider!.User;
                var identity = new ClaimsIdentity(TokenValidationParameters.DefaultAuthenticationType, Claims.Name, Claims.Role);
                identity.AddClaim(new Claim(Claims.Subject, user.Email));
                identity.AddClaim(new Claim(Claims.Email, user.Email));
                identity.AddClaim(new Claim(Claims.Name, user.Name));
                if (user.EmailVerified is { } verified)
                {
                    identity.AddClaim(new Claim(Claims.EmailVerified, verified ? "true" : "false", ClaimValueTypes.Boolean));
                }

                identity.SetScopes(context.Request.GetScopes());
                identity.SetDestinations(_ => [Destinations.AccessToken, Destinations.IdentityToken]);
                Interlocked.Increment(ref provider._authorizations);
                context.SignIn(new ClaimsPrincipal(identity));
                return default;
            }));
            server.AddEventHandler<HandleUserInfoRequestContext>(handler => handler.UseInlineHandler(context =>
            {
                context.Claims[Claims.Name] = context.AccessTokenPrincipal!.GetClaim(Claims.Name);
                return default;
            }));
        });
        var app = builder.Build();
        app.UseAuthentication();
        provider = new TestOidcProvider(app);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        provider.Issuer = new Uri($"http://127.0.0.1:{new Uri(address).Port}/");
        return provider;
    }

    /// <summary>
    /// A Burrow server with this provider configured as "corp" (and this provider expecting its callback), its local
    /// server and alice, without an agent; resets the signed-in user to ann@example.com.
    /// </summary>
    public async Task<Burrow.Testing.TunnelScenario> StartScenarioAsync(string name)
    {
        User = new TestUser("ann@example.com", "Ann Example");
        var scenario = await Burrow.Testing.TunnelScenario.StartAsync(name, s => s.Policy(o => o.OidcProviders.Add(new Burrow.Server.Policy.OidcProviderOptions
        {
            Name = "corp",
            Issuer = Issuer.ToString(),
            ClientId = ClientId,
            ClientSecret = ClientSecret,
        })), startAgent: false);
        RedirectUri = $"http://localhost:{scenario.Host.Server.HttpPort}/_burrow/oidc/callback";
        Interlocked.Exchange(ref _authorizations, 0);
        return scenario;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
