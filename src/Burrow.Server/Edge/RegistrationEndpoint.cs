using System.Text.Json;
using Burrow.Protocol;
using Burrow.Protocol.Handshake;
using Burrow.Protocol.Registration;
using Burrow.Server.Accounts;
using Burrow.Server.Acme;
using Burrow.Server.Channels;
using Burrow.Server.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Burrow.Server.Edge;

/// <summary>
/// <c>POST /api/tunnels</c> on the base domain: authenticates the user's token, claims the names and issues a
/// one-time channel ticket. Every refusal is RFC 9457 problem+json with a sentence a person understands.
/// </summary>
internal sealed partial class RegistrationEndpoint
{
    public const string RateLimitPolicy = "registration";

    private const int MaxBodySize = 16 * 1024;

    /// <summary>Failed authentications, for dashboards and alerts (the log has the details).</summary>
    private static readonly System.Diagnostics.Metrics.Counter<long> AuthenticationFailures =
        new System.Diagnostics.Metrics.Meter("Burrow.Server").CreateCounter<long>("burrow.registration.auth_failures");
    private const int MaxNamesPerChannel = 16;

    private readonly AccountStore _accounts;
    private readonly PendingChannelTable _pending;
    private readonly TunnelRegistry _registry;
    private readonly ServerEndpoints _endpoints;
    private readonly BurrowServerOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly IOnDemandCertificates? _certificates;

    public RegistrationEndpoint(
        AccountStore accounts,
        PendingChannelTable pending,
        TunnelRegistry registry,
        ServerEndpoints endpoints,
        IOptions<BurrowServerOptions> options,
        TimeProvider time,
        ILogger<RegistrationEndpoint> logger,
        IOnDemandCertificates? certificates = null)
    {
        _certificates = certificates;
        _accounts = accounts;
        _pending = pending;
        _registry = registry;
        _endpoints = endpoints;
        _options = options.Value;
        _time = time;
        _logger = logger;
    }

    public async Task<IResult> HandleAsync(HttpContext context)
    {
        var remote = context.Connection.RemoteIpAddress?.ToString() ?? "unknown";
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
        {
            limit.MaxRequestBodySize = MaxBodySize;
        }

        var token = BearerToken(context.Request);
        if (token is null)
        {
            AuthenticationFailures.Add(1);
            Log.AuthenticationFailed(_logger, remote, "(none)", "missing bearer token");
            return Unauthorized(context, "Send your token in an 'Authorization: Bearer TOKEN' header.");
        }

        RegistrationRequest? request;
        try
        {
            request = await JsonSerializer.DeserializeAsync(context.Request.Body, RegistrationJsonContext.Default.RegistrationRequest, context.RequestAborted);
        }
        catch (JsonException ex)
        {
            return Problem(StatusCodes.Status400BadRequest, "Malformed request", $"The body is not the JSON this API expects ({{\"username\": \"...\", \"domain\": \"NAME.{_options.Domain}\"}}): {ex.Message}");
        }
        catch (BadHttpRequestException ex)
        {
            return Problem(ex.StatusCode, "Malformed request", $"The request body could not be read: {ex.Message}");
        }

        if (request is null || string.IsNullOrWhiteSpace(request.Username))
        {
            return Problem(StatusCodes.Status400BadRequest, "Malformed request", "The body must name the user: {\"username\": \"...\"}.");
        }

        var user = _accounts.Authenticate(request.Username.Trim().ToLowerInvariant(), token);
        if (user is null)
        {
            // The same answer whether the user exists or not: a prober learns nothing.
            AuthenticationFailures.Add(1);
            Log.AuthenticationFailed(_logger, remote, request.Username, "bad user or token");
            return Unauthorized(context, "The user name and token do not match an active account.");
        }

        var requested = request.Domains is { Count: > 0 } ? request.Domains : request.Domain is null ? [] : [request.Domain];
        if (requested.Count > MaxNamesPerChannel)
        {
            return Problem(StatusCodes.Status400BadRequest, "Too many names", $"One channel serves at most {MaxNamesPerChannel} names.");
        }

        var names = new List<string>();
        foreach (var domain in requested)
        {
            var name = ToName(domain);
            if (name is null)
            {
                return Problem(StatusCodes.Status400BadRequest, "Invalid name", $"'{domain}' is not a valid name under {_options.Domain}: use one DNS label of letters, digits and hyphens (1-63 characters), as NAME or NAME.{_options.Domain}.");
            }

            if (_options.ReservedNames.Contains(name, StringComparer.OrdinalIgnoreCase))
            {
                return Problem(StatusCodes.Status403Forbidden, "Reserved name", $"The name '{name}' is reserved on this server; pick another.");
            }

            if (!names.Contains(name))
            {
                names.Add(name);
            }
        }

        if (names.Count == 0)
        {
            names.Add(PickRandomName());
        }

        var live = _registry.CountNamesForUser(user.UserId, names);
        if (live + names.Count > user.MaxTunnels)
        {
            return Problem(StatusCodes.Status403Forbidden, "Tunnel limit reached", $"User {user.UserName} may have {user.MaxTunnels} live tunnels and has {live}.");
        }

        foreach (var name in names)
        {
            if (_accounts.ClaimName(user.UserId, name) == NameClaim.OwnedByOther)
            {
                Log.RegistrationRejected(_logger, user.UserName, name, "name owned by another user");
                return Problem(StatusCodes.Status409Conflict, "Name taken", $"The name '{name}' belongs to another user.");
            }
        }

        foreach (var name in names)
        {
            _certificates?.RequestCertificate($"{name}.{_options.Domain}", user.UserName); // ACME (issue 12): on-demand certificate
        }

        var ticket = ChannelTicket.Create();
        _pending.Add(new PendingRegistration(ticket, user.UserId, user.UserName, user.TokenId, names, user.MaxTunnels, _time.GetUtcNow() + _options.RegistrationLifetime));
        Log.TunnelRegistered(_logger, user.UserName, string.Join(',', names), remote);

        var urls = names.Select(PublicUrl).ToList();
        return Results.Json(
            new RegistrationResponse(_endpoints.ChannelPort, ticket.IdText, ticket.KeyText, urls[0], urls, names),
            RegistrationJsonContext.Default.RegistrationResponse,
            statusCode: StatusCodes.Status201Created);
    }

    /// <summary>429 with Retry-After and a problem body, when an address registers too often.</summary>
    public static async ValueTask OnRateLimitedAsync(Microsoft.AspNetCore.RateLimiting.OnRejectedContext rejected, CancellationToken cancellationToken)
    {
        var context = rejected.HttpContext;
        var retryAfter = rejected.Lease.TryGetMetadata(System.Threading.RateLimiting.MetadataName.RetryAfter, out var wait) ? wait : TimeSpan.FromMinutes(1);
        context.Response.Headers.RetryAfter = ((int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
        var logger = context.RequestServices.GetService(typeof(ILogger<RegistrationEndpoint>)) as ILogger;
        if (logger is not null)
        {
            Log.RateLimited(logger, context.Connection.RemoteIpAddress?.ToString() ?? "unknown");
        }

        await Results.Problem(
            $"Too many registrations from your address; try again in {Math.Ceiling(retryAfter.TotalSeconds)} s.",
            statusCode: StatusCodes.Status429TooManyRequests,
            title: "Too many requests").ExecuteAsync(context);
    }

    internal string PublicUrl(string name)
    {
        var https = _endpoints.HttpsPort is not null;
        var port = _options.PublicPort ?? (https ? _endpoints.HttpsPort!.Value : _endpoints.HttpPort);
        var defaultPort = https ? 443 : 80;
        return $"{(https ? "https" : "http")}://{name}.{_options.Domain}{(port == defaultPort ? string.Empty : $":{port}")}";
    }

    private string? ToName(string domain)
    {
        var host = domain.Trim().TrimEnd('.');
        var suffix = "." + _options.Domain;
        if (host.EndsWith(suffix, StringComparison.OrdinalIgnoreCase))
        {
            host = host[..^suffix.Length];
        }
        else if (host.Contains('.', StringComparison.Ordinal))
        {
            return null;
        }

        return TunnelNames.Normalize(host);
    }

    /// <summary>A random name nobody holds (the claim below still decides races: a taken name gets 409).</summary>
    private string PickRandomName()
    {
        for (var attempt = 0; ; attempt++)
        {
            var name = NameGenerator.Next();
            if (attempt >= 20 || (_accounts.FindNameOwner(name) is null && !_options.ReservedNames.Contains(name, StringComparer.OrdinalIgnoreCase)))
            {
                return name;
            }
        }
    }

    private static string? BearerToken(HttpRequest request)
    {
        var header = request.Headers.Authorization.ToString();
        const string Scheme = "Bearer ";
        return header.StartsWith(Scheme, StringComparison.OrdinalIgnoreCase) && header.Length > Scheme.Length
            ? header[Scheme.Length..].Trim()
            : null;
    }

    private static IResult Unauthorized(HttpContext context, string detail)
    {
        context.Response.Headers.WWWAuthenticate = "Bearer";
        return Results.Problem(detail, statusCode: StatusCodes.Status401Unauthorized, title: "Unauthorized");
    }

    private static IResult Problem(int status, string title, string detail) => Results.Problem(detail, statusCode: status, title: title);

    private static partial class Log
    {
        [LoggerMessage(LogEventIds.TunnelRegistered, LogLevel.Information, "Registered {Names} for {User} from {Remote}")]
        public static partial void TunnelRegistered(ILogger logger, string user, string names, string remote);

        [LoggerMessage(LogEventIds.RegistrationRejected, LogLevel.Information, "Registration of {Name} for {User} rejected: {Reason}")]
        public static partial void RegistrationRejected(ILogger logger, string user, string name, string reason);

        [LoggerMessage(LogEventIds.RegistrationRateLimited, LogLevel.Warning, "Registration from {Remote} rate limited")]
        public static partial void RateLimited(ILogger logger, string remote);

        [LoggerMessage(LogEventIds.AuthenticationFailed, LogLevel.Warning, "Authentication failed from {Remote} for user {User}: {Reason}")]
        public static partial void AuthenticationFailed(ILogger logger, string remote, string user, string reason);
    }
}
