using Burrow.Server.Policy.SingleSignOn;
using Burrow.Server.Storage;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Burrow.Server.Policy;

/// <summary>The visitor-policy feature: validation at registration, enforcement at the edge, single sign-on.</summary>
internal static class PolicyServiceCollectionExtensions
{
    public static IServiceCollection AddBurrowPolicy(this IServiceCollection services)
    {
        services.AddSingleton<IValidateOptions<PolicyOptions>, PolicyOptionsValidator>();
        services.AddSingleton<PolicyCompiler>();
        services.AddSingleton<BasicAuthThrottle>();
        services.AddSingleton<SignOnTokens>();
        services.AddSingleton<SignOnGate>();

        // Keys in the data directory: cookies stay valid across restarts, and nothing else can read them.
        services.AddDataProtection().SetApplicationName("burrow");
        services.AddOptions<KeyManagementOptions>().Configure<DataDirectory>((keys, data) => keys.XmlRepository = new DataProtectionKeyFiles(data.File("keys")));

        // The OpenID Connect handlers, one per configured provider, created by SignOnSchemes on the sign-in paths only
        // (no AddAuthentication: see SignOnSchemes). The framework's post-configuration (discovery, state format) first.
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IPostConfigureOptions<OpenIdConnectOptions>, OpenIdConnectPostConfigureOptions>());
        services.AddSingleton<SignOnSchemes>();
        services.AddSingleton<IConfigureOptions<OpenIdConnectOptions>>(sp => new SignOnOptions(sp.GetRequiredService<IOptions<PolicyOptions>>()));
        services.AddSingleton<IPostConfigureOptions<OpenIdConnectOptions>>(sp => new SignOnOptions(sp.GetRequiredService<IOptions<PolicyOptions>>()));
        return services;
    }

    /// <summary>The enforcement middleware, for the edge's per-tunnel pipeline (after the route, before the forwarder).</summary>
    public static IApplicationBuilder UseBurrowVisitorPolicy(this IApplicationBuilder tunnel) => tunnel.UseMiddleware<VisitorPolicyMiddleware>();

    /// <summary>The base domain's single sign-on paths: <c>/_burrow/oidc/login</c> and the callback.</summary>
    public static IEndpointRouteBuilder MapBurrowSignOn(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet(SignOnPaths.Login, SignOnEndpoints.LoginAsync);
        endpoints.MapGet(SignOnPaths.Callback, SignOnEndpoints.CallbackAsync);
        return endpoints;
    }
}
