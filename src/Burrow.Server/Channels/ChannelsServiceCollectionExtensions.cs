using Burrow.Server.Registration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Burrow.Server.Channels;

/// <summary>The channels feature: the channel port, admission, the registry and the revocation sweep.</summary>
internal static class ChannelsServiceCollectionExtensions
{
    public static IServiceCollection AddBurrowChannels(this IServiceCollection services)
    {
        services.AddSingleton<IValidateOptions<ChannelOptions>, ChannelOptionsValidator>();
        services.AddSingleton<TunnelRegistry>();
        services.AddSingleton<ILiveTunnels>(sp => sp.GetRequiredService<TunnelRegistry>());
        services.AddSingleton<HandshakeLimiter>();
        services.AddSingleton<ChannelMetrics>();
        services.AddSingleton<ChannelAdmission>();
        services.AddSingleton<ChannelListener>();
        services.AddHostedService<RevocationSweeper>();
        return services;
    }
}
