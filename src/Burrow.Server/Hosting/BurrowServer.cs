using System.Net;
using Burrow.Protocol;
using Burrow.Server.Accounts;
using Burrow.Server.Acme;
using Burrow.Server.Acme.Certificates;
using Burrow.Server.Channels;
using Burrow.Server.Edge;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Burrow.Server.Hosting;

/// <summary>
/// The Burrow server: one Kestrel instance with the public HTTP edge (registration API on the base domain, tunnels
/// on its subdomains) and the channel port agents connect to.
/// </summary>
public sealed partial class BurrowServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly BurrowServerOptions _options;
    private readonly ServerEndpoints _endpoints;
    private readonly ListenOptions[] _listeners;
    private readonly ILogger _logger;
    private int _stopped;

    private BurrowServer(WebApplication app, BurrowServerOptions options, ServerEndpoints endpoints, ListenOptions[] listeners)
    {
        _listeners = listeners;
        _app = app;
        _options = options;
        _endpoints = endpoints;
        _logger = app.Services.GetRequiredService<ILogger<BurrowServer>>();
    }

    public string Domain => _options.Domain;

    /// <summary>The bound public HTTP port (valid after <see cref="StartAsync"/>).</summary>
    public int HttpPort => _endpoints.HttpPort;

    /// <summary>The bound channel port (valid after <see cref="StartAsync"/>).</summary>
    public int ChannelPort => _endpoints.ChannelPort;

    /// <summary>The bound HTTPS port, or null without HTTPS.</summary>
    public int? HttpsPort => _endpoints.HttpsPort;

    internal IServiceProvider Services => _app.Services;

    /// <summary>Builds the server; throws <see cref="InvalidOperationException"/> naming the first bad option.</summary>
    public static BurrowServer Create(BurrowServerOptions options, Action<ILoggingBuilder>? configureLogging = null, TimeProvider? timeProvider = null)
    {
        if (options.DevCertificate)
        {
            (options.CertificatePath, options.CertificateKeyPath) = CertificateSource.EnsureDevCertificate(options.DataDirectory, options.Domain);
            options.HttpsPort ??= 8443;
        }

        if (options.Acme.Enabled)
        {
            options.HttpsPort ??= 443; // ACME (issue 12): certificates are for the HTTPS port.
        }

        options.Validate();
        var time = timeProvider ?? TimeProvider.System;
        var endpoints = new ServerEndpoints();
        // No file watcher on appsettings.json: Burrow's settings come from BurrowServerOptions, and a watcher costs CPU.
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = ["--hostBuilder:reloadConfigOnChange=false"], ApplicationName = "Burrow.Server" });
        builder.Logging.ClearProviders();

        // Per-request hosting logs would drown the tunnel's own events; Burrow logs what matters itself.
        builder.Logging.AddFilter("Microsoft", LogLevel.Warning);
        builder.Logging.AddFilter("Yarp", LogLevel.Warning);
        builder.Logging.AddFilter("System.Net.Http", LogLevel.Warning);
        builder.Logging.AddFilter("Microsoft.Hosting.Lifetime", LogLevel.Warning);

        // Off entirely, not just quiet: while this category is enabled at any level, hosting starts an Activity for
        // every request (for log correlation), which costs CPU and allocations on the hot path of every tunnel.
        builder.Logging.AddFilter("Microsoft.AspNetCore.Hosting.Diagnostics", LogLevel.None);
        if (configureLogging is null)
        {
            builder.Logging.AddSimpleConsole(o => o.SingleLine = true);
        }
        else
        {
            configureLogging(builder.Logging);
        }

        var services = builder.Services;
        services.AddSingleton(Options.Create(options));
        services.AddSingleton(time);
        services.AddSingleton(endpoints);
        services.AddSingleton(sp => AccountStore.OpenLazily(options.DataDirectory, sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton<PendingChannelTable>();
        services.AddSingleton<TunnelRegistry>();
        services.AddSingleton<TunnelConnector>();
        services.AddSingleton<RegistrationEndpoint>();
        services.AddSingleton<ChannelConnectionHandler>();
        services.AddSingleton<ChannelListener>();
        services.AddHostedService<RevocationSweeper>();
        services.AddSingleton<IHostLifetime, ExternalHostLifetime>();
        // Only the forwarder: YARP's configuration-driven proxy (routes, clusters, session affinity with its data
        // protection keys) is not used, and costs memory.
        services.AddHttpForwarder();
        services.AddSingleton<ChannelRateLimiter>();
        if (options.Acme.Enabled)
        {
            services.AddBurrowAcme(options.Acme, options.Domain, options.DataDirectory); // ACME (issue 12)
        }

        services.AddRateLimiter(limiter =>
        {
            limiter.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            limiter.OnRejected = RegistrationEndpoint.OnRateLimitedAsync;
            limiter.AddPolicy(RegistrationEndpoint.RateLimitPolicy, context => System.Threading.RateLimiting.RateLimitPartition.GetFixedWindowLimiter(
                context.Connection.RemoteIpAddress?.ToString() ?? "unknown",
                _ => new System.Threading.RateLimiting.FixedWindowRateLimiterOptions { PermitLimit = options.RegistrationsPerMinute, Window = TimeSpan.FromMinutes(1), QueueLimit = 0 }));
        });
        if (options.TrustedProxies.Count > 0)
        {
            services.Configure<ForwardedHeadersOptions>(forwarded =>
            {
                forwarded.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
                forwarded.KnownIPNetworks.Clear();
                forwarded.KnownProxies.Clear();
                foreach (var network in options.TrustedProxies)
                {
                    forwarded.KnownIPNetworks.Add(System.Net.IPNetwork.Parse(network));
                }
            });
        }
        services.Configure<HostOptions>(o => o.ShutdownTimeout = options.ShutdownGracePeriod + TimeSpan.FromSeconds(5));

        var listeners = new ListenOptions[2];
        CertificateSource? certificates = null;
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Limits.MaxRequestHeadersTotalSize = options.MaxRequestHeadersSize;
            kestrel.Limits.MaxRequestLineSize = options.MaxRequestLineSize;

            // Bodies belong to the local server: uploads of any size stream through (the registration API sets its own limit).
            kestrel.Limits.MaxRequestBodySize = null;
            var address = options.ListenAddress == "*" ? IPAddress.IPv6Any : IPAddress.Parse(options.ListenAddress);
            kestrel.Listen(address, options.HttpPort, listen =>
            {
                // HTTP/2 needs TLS's ALPN; plain HTTP stays HTTP/1.1.
                listen.Protocols = HttpProtocols.Http1;
                listeners[0] = listen;
            });
            if (options.HttpsPort is { } httpsPort)
            {
                var acme = kestrel.ApplicationServices.GetService<AcmeTlsHandshake>(); // ACME (issue 12)
                certificates = acme is null ? new CertificateSource(options.CertificatePath!, options.CertificateKeyPath!, options.CertificateCheckInterval, time, kestrel.ApplicationServices.GetRequiredService<ILogger<CertificateSource>>()) : null;
                kestrel.Listen(address, httpsPort, listen =>
                {
                    listen.Protocols = HttpProtocols.Http1AndHttp2;
                    listen.UseHttps(https =>
                    {
                        if (acme is not null)
                        {
                            acme.Configure(https); // ACME (issue 12): SNI selector with hot swap, TLS-ALPN-01
                        }
                        else
                        {
                            https.ServerCertificateSelector = (_, _) => certificates!.Current;
                        }
                    });
                    listeners[1] = listen;
                });
            }
        });

        var app = builder.Build();
        var server = new BurrowServer(app, options, endpoints, listeners);
        app.UseBurrowAcmeChallenges(); // ACME (issue 12): HTTP-01 answers before redirects and tunnel routing
        if (options.TrustedProxies.Count > 0)
        {
            app.UseForwardedHeaders();
        }

        if (options.UsesHttps)
        {
            app.UseMiddleware<HttpsRedirectMiddleware>();
        }

        app.UseMiddleware<PublicEdgeMiddleware>();
        app.UseRouting();
        app.UseRateLimiter();
        var registration = app.Services.GetRequiredService<RegistrationEndpoint>();
        // Plain RequestDelegates: no minimal-API handler compilation (and no System.Linq.Expressions in memory).
        app.MapPost("/api/tunnels", async context => await (await registration.HandleAsync(context)).ExecuteAsync(context)).RequireRateLimiting(RegistrationEndpoint.RateLimitPolicy);
        app.MapGet("/", context => context.Response.WriteAsync($"burrow server for *.{options.Domain}\n", context.RequestAborted));
        app.MapGet("/api/health", context => context.Response.WriteAsync("ok\n", context.RequestAborted));
        return server;
    }

    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        // The channel port first: if it is taken, nothing has started yet.
        // "*" means every interface, IPv4 and IPv6 through one dual-mode socket; plain IPv4 where IPv6 is switched off.
        var address = _options.ListenAddress != "*" ? IPAddress.Parse(_options.ListenAddress)
            : System.Net.Sockets.Socket.OSSupportsIPv6 ? IPAddress.IPv6Any : IPAddress.Any;
        _endpoints.ChannelPort = _app.Services.GetRequiredService<ChannelListener>().Start(address, _options.ChannelPort);
        await _app.StartAsync(cancellationToken);
        _endpoints.HttpPort = _listeners[0].IPEndPoint!.Port;
        _endpoints.HttpsPort = _listeners[1]?.IPEndPoint!.Port;
        Log.Listening(_logger, _options.Domain, _endpoints.HttpPort, _endpoints.ChannelPort, _app.Services.GetRequiredService<AccountStore>().DatabasePath);
    }

    /// <summary>
    /// Graceful stop: GOAWAY to every agent, in-flight requests get <see cref="BurrowServerOptions.ShutdownGracePeriod"/>
    /// to finish, then Kestrel stops.
    /// </summary>
    public async Task StopAsync(CancellationToken cancellationToken = default)
    {
        if (Interlocked.Exchange(ref _stopped, 1) != 0)
        {
            return;
        }

        var listener = _app.Services.GetRequiredService<ChannelListener>();
        listener.StopAccepting();
        var registry = _app.Services.GetRequiredService<TunnelRegistry>();
        Log.Stopping(_logger, registry.ChannelCount);
        var channels = registry.Channels.ToList();
        foreach (var channel in channels)
        {
            registry.Remove(channel);
        }

        // GOAWAY first so agents know to reconnect elsewhere; then in-flight requests finish; then channels close.
        foreach (var channel in channels)
        {
            _ = channel.Connection.GoAwayAsync("server shutting down", cancellationToken);
        }

        var time = _app.Services.GetRequiredService<TimeProvider>();
        await Task.WhenAll(channels.Select(c => c.DrainAndCloseAsync(_options.ShutdownGracePeriod, "server shutting down", time)));
        await listener.DisposeAsync();
        await _app.StopAsync(cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        await _app.DisposeAsync();
    }

    private static partial class Log
    {
        [LoggerMessage(LogEventIds.ServerListening, LogLevel.Information, "Burrow serving *.{Domain}: public HTTP on port {HttpPort}, channel on port {ChannelPort}, accounts in {Database}")]
        public static partial void Listening(ILogger logger, string domain, int httpPort, int channelPort, string database);

        [LoggerMessage(LogEventIds.ServerStopping, LogLevel.Information, "Stopping: sending GOAWAY to {Channels} channels")]
        public static partial void Stopping(ILogger logger, int channels);
    }
}
