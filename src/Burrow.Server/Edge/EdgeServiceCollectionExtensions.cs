using Burrow.Server.Limits;
using Burrow.Server.Policy;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Burrow.Server.Edge;

/// <summary>The public edge: Kestrel's public listeners, and the middleware that routes visitors to tunnels.</summary>
internal static class EdgeServiceCollectionExtensions
{
    public static IServiceCollection AddBurrowEdge(this IServiceCollection services)
    {
        services.AddSingleton<IValidateOptions<EdgeOptions>, EdgeOptionsValidator>();
        services.AddSingleton<EdgeListeners>();
        services.AddSingleton<IConfigureOptions<KestrelServerOptions>>(sp => sp.GetRequiredService<EdgeListeners>());
        services.AddSingleton<TunnelConnector>();
        services.AddSingleton<IVisitorPages, EdgeVisitorPages>();

        // The socket transport buffers up to 1 MiB per connection by default, apart from Kestrel's request limit
        // (measured: a thousand uploads to an agent that stopped reading held 1.3 GiB, almost all of it here, in
        // 4 KiB blocks). One stream window per direction is what a visitor may make the server hold.
        services.Configure<SocketTransportOptions>(sockets =>
        {
            sockets.MaxReadBufferSize = Protocol.Mux.MuxOptions.InitialWindowSize;
            sockets.MaxWriteBufferSize = Protocol.Mux.MuxOptions.InitialWindowSize;
        });
        services.AddSingleton(sp => new ConnectionsPerClient(
            sp.GetRequiredService<IOptions<LimitOptions>>(),
            sp.GetRequiredService<IOptions<EdgeOptions>>().Value.TrustedProxies.Select(System.Net.IPNetwork.Parse)));

        // Only the forwarder: YARP's configuration-driven proxy (routes, clusters, session affinity with its data
        // protection keys) is not used, and costs memory.
        services.AddHttpForwarder();
        services.AddOptions<ForwardedHeadersOptions>().Configure<IOptions<EdgeOptions>>((forwarded, edge) =>
        {
            forwarded.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
            forwarded.KnownIPNetworks.Clear();
            forwarded.KnownProxies.Clear();
            foreach (var network in edge.Value.TrustedProxies)
            {
                forwarded.KnownIPNetworks.Add(System.Net.IPNetwork.Parse(network));
            }
        });
        return services;
    }

    /// <summary>
    /// The edge's middleware, in order: forwarded headers from trusted proxies, the HTTPS redirect, then the tunnel
    /// dispatch; what is left (the base domain) goes on to the API. <paramref name="tunnel"/> adds what runs on a
    /// request once its route is resolved and before the forwarder opens a stream (the visitor policy).
    /// </summary>
    public static WebApplication UseBurrowEdge(this WebApplication app, Action<IApplicationBuilder>? tunnel = null)
    {
        if (app.Services.GetRequiredService<IOptions<EdgeOptions>>().Value.TrustedProxies.Count > 0)
        {
            app.UseForwardedHeaders();
        }

        var edge = app.Services.GetRequiredService<IOptions<EdgeOptions>>().Value;
        if (edge.HttpsPort is not null)
        {
            app.UseMiddleware<HttpsRedirectMiddleware>();
            if (edge.HstsMaxAge > TimeSpan.Zero)
            {
                app.UseMiddleware<StrictTransportSecurityMiddleware>();
            }
        }

        var tunnelPipeline = ((IApplicationBuilder)app).New();
        tunnel?.Invoke(tunnelPipeline);
        app.UseMiddleware<PublicEdgeMiddleware>(tunnelPipeline);
        return app;
    }
}
