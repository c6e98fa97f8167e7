using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Burrow.Server.Policy.SingleSignOn;

/// <summary>
/// One ASP.NET Core OpenID Connect handler per configured provider, named <c>burrow-oidc-NAME</c>, configured by
/// <see cref="SignOnOptions"/>. Nothing is signed in by the handler: <see cref="SignOnEndpoints"/> takes the validated
/// user from its TicketReceived event.
/// <para>
/// The handlers are created here, only on the base domain's sign-in paths, not registered as authentication
/// schemes: with any scheme registered, ASP.NET Core adds its authentication middleware in front of every request,
/// which would run on each tunnel request (a handler per scheme and request) for nothing.
/// </para>
/// </summary>
internal sealed class SignOnSchemes
{
    private const string Prefix = "burrow-oidc-";

    private readonly PolicyOptions _options;
    private readonly IOptionsMonitor<OpenIdConnectOptions> _handlerOptions;
    private readonly ILoggerFactory _loggers;

    public SignOnSchemes(IOptions<PolicyOptions> options, IOptionsMonitor<OpenIdConnectOptions> handlerOptions, ILoggerFactory loggers)
    {
        _options = options.Value;
        _handlerOptions = handlerOptions;
        _loggers = loggers;
    }

    public static string SchemeOf(string provider) => Prefix + provider;

    /// <summary>The provider's handler, ready for this request; null for a provider the server does not have.</summary>
    public async Task<OpenIdConnectHandler?> HandlerAsync(HttpContext context, string provider)
    {
        if (!_options.OidcProviders.Any(p => p.Name == provider))
        {
            return null;
        }

        var handler = new OpenIdConnectHandler(_handlerOptions, _loggers, HtmlEncoder.Default, UrlEncoder.Default);
        await handler.InitializeAsync(new AuthenticationScheme(SchemeOf(provider), provider, typeof(OpenIdConnectHandler)), context);
        return handler;
    }
}
