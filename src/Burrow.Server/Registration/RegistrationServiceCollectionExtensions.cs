using System.Globalization;
using System.Threading.RateLimiting;
using Burrow.Server.Limits;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Burrow.Server.Registration;

/// <summary>The registration feature: its services, and its endpoint on the base domain.</summary>
internal static partial class RegistrationServiceCollectionExtensions
{
    private const string RateLimitPolicy = "registration";

    public static IServiceCollection AddBurrowRegistration(this IServiceCollection services)
    {
        services.AddSingleton<IValidateOptions<RegistrationOptions>, RegistrationOptionsValidator>();
        services.AddSingleton<PendingRegistrations>();
        services.AddSingleton<Registrar>();
        services.AddSingleton<RegistrationEndpoint>();
        services.AddSingleton<RegistrationMetrics>();
        services.AddHostedService<NameRetentionSweeper>();
        services.AddRateLimiter(limiter =>
        {
            limiter.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            limiter.OnRejected = OnRateLimitedAsync;
            limiter.AddPolicy(RateLimitPolicy, context =>
            {
                var options = context.RequestServices.GetRequiredService<IOptions<RegistrationOptions>>().Value;
                var prefix = context.RequestServices.GetRequiredService<IOptions<LimitOptions>>().Value.IPv6PrefixLength;
                return RateLimitPartition.GetFixedWindowLimiter(
                    ClientNetwork.Of(context.Connection.RemoteIpAddress, prefix),
                    _ => new FixedWindowRateLimiterOptions { PermitLimit = options.RegistrationsPerMinute, Window = TimeSpan.FromMinutes(1), QueueLimit = 0 });
            });
        });
        return services;
    }

    /// <summary>Maps <c>POST /api/tunnels</c>, limited per client network.</summary>
    public static IEndpointRouteBuilder MapBurrowRegistration(this IEndpointRouteBuilder endpoints)
    {
        var registration = endpoints.ServiceProvider.GetRequiredService<RegistrationEndpoint>();

        // A plain RequestDelegate: no minimal-API handler compilation (and no System.Linq.Expressions in memory).
        endpoints.MapPost("/api/tunnels", registration.HandleAsync).RequireRateLimiting(RateLimitPolicy);
        return endpoints;
    }

    /// <summary>429 with Retry-After and a problem body, when a network registers too often.</summary>
    private static async ValueTask OnRateLimitedAsync(OnRejectedContext rejected, CancellationToken cancellationToken)
    {
        var context = rejected.HttpContext;
        var retryAfter = rejected.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : TimeSpan.FromMinutes(1);
        context.Response.Headers.RetryAfter = ((int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
        Log.RateLimited(context.RequestServices.GetRequiredService<ILogger<RegistrationEndpoint>>(), context.Connection.RemoteIpAddress?.ToString() ?? "unknown");
        context.RequestServices.GetRequiredService<RegistrationMetrics>().NetworkRateLimited();
        await Results.Problem(
            $"Too many registrations from your network; try again in {Math.Ceiling(retryAfter.TotalSeconds)} s.",
            statusCode: StatusCodes.Status429TooManyRequests,
            title: "Too many requests").ExecuteAsync(context);
    }

    private static partial class Log
    {
        [LoggerMessage(ServerEventIds.RegistrationRateLimited, LogLevel.Warning, "Registration from {Remote} rate limited")]
        public static partial void RateLimited(ILogger logger, string remote);
    }
}
