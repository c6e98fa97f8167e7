using Burrow.Server.Admin.Dashboard;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Burrow.Server.Admin;

/// <summary>The admin feature: its listener (metrics, API, dashboard) and the dashboard's traffic history.</summary>
internal static class AdminServiceCollectionExtensions
{
    public static IServiceCollection AddBurrowAdmin(this IServiceCollection services)
    {
        services.AddSingleton<IValidateOptions<AdminOptions>, AdminOptionsValidator>();
        services.AddSingleton<TrafficHistory>();
        services.AddSingleton<AdminListener>();
        return services;
    }
}
