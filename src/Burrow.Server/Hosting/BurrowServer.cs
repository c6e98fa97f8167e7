using System.Net;
using Burrow.Server.Acme;
using Burrow.Server.Admin;
using Burrow.Server.Channels;
using Burrow.Server.Edge;
using Burrow.Server.Naming;
using Burrow.Server.Observability.AccessLog;
using Burrow.Server.Policy;
using Burrow.Server.Registration;
using Burrow.Server.Storage;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Burrow.Server.Hosting;

/// <summary>
/// The Burrow server: one Kestrel instance with the public HTTP edge (registration API on the base domain, tunnels
/// on its subdomains) and the channel port agents connect to. It only composes the features (docs/architecture.md).
/// </summary>
public sealed partial class BurrowServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ILogger _logger;
    private int _stopped;

    private BurrowServer(WebApplication app)
    {
        _app = app;
        _logger = app.Services.GetRequiredService<ILogger<BurrowServer>>();
        Addresses = app.Services.GetRequiredService<PublicAddresses>();
    }

    /// <summary>The domain and the ports actually bound (valid after <see cref="StartAsync"/>).</summary>
    public PublicAddresses Addresses { get; }

    public string Domain => Addresses.Domain;

    public int HttpPort => Addresses.HttpPort;

    public int ChannelPort => Addresses.ChannelPort;

    public int? HttpsPort => Addresses.HttpsPort;

    public IServiceProvider Services => _app.Services;

    /// <summary>The admin listener's port (valid after <see cref="StartAsync"/>); null when it is off.</summary>
    public int? AdminPort => _app.Services.GetRequiredService<AdminListener>().Port;

    /// <summary>The admin listener's base URL, e.g. http://127.0.0.1:9090/ (valid after <see cref="StartAsync"/>).</summary>
    public Uri? AdminUrl
    {
        get
        {
            var listener = _app.Services.GetRequiredService<AdminListener>();
            var listen = _app.Services.GetRequiredService<IOptions<AdminOptions>>().Value.AdminListen;
            var host = listen is "*" or "0.0.0.0" or "::" ? "127.0.0.1" : listen.Contains(':', StringComparison.Ordinal) ? $"[{listen}]" : listen;
            return listener.Port is { } port ? new Uri($"{listener.Scheme}://{host}:{port}/") : null;
        }
    }

    /// <summary>Every configuration key the server reads (nested ones as Section:Key), for help texts.</summary>
    public static IReadOnlyList<string> ConfigurationKeys => ServerConfigurationKeys.All(BurrowServiceCollectionExtensions.OptionTypes, BurrowServiceCollectionExtensions.OptionSections);

    /// <summary>
    /// Builds the server from its configuration (keys as in burrow.json). Throws <see cref="InvalidOperationException"/>
    /// with one line naming the first bad setting. <paramref name="configureServices"/> lets an embedder (a test)
    /// adjust options or services after binding.
    /// </summary>
    public static BurrowServer Create(
        IConfiguration configuration,
        Action<ILoggingBuilder>? configureLogging = null,
        TimeProvider? timeProvider = null,
        Action<IServiceCollection>? configureServices = null)
    {
        // No file watcher on appsettings.json: Burrow's settings come from the configuration given, and a watcher costs CPU.
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = ["--hostBuilder:reloadConfigOnChange=false"], ApplicationName = "Burrow.Server" });
        ConfigureLogging(builder.Logging, configureLogging);
        var services = builder.Services;
        services.AddSingleton(timeProvider ?? TimeProvider.System);
        services.AddSingleton<IHostLifetime, ExternalHostLifetime>();
        services.AddBurrowServer(configuration);
        configureServices?.Invoke(services);
        services.AddOptions<HostOptions>().Configure<IOptions<ChannelOptions>>((host, channels) => host.ShutdownTimeout = channels.Value.ShutdownGracePeriod + TimeSpan.FromSeconds(5));

        WebApplication app;
        try
        {
            // Options are validated now, not at start, so a bad setting never leaves a half-started server behind
            // (building already reads some: Kestrel's listeners).
            app = builder.Build();
            app.Services.GetRequiredService<IStartupValidator>().Validate();
        }
        catch (OptionsValidationException ex)
        {
            throw new InvalidOperationException(ex.Failures.First(), ex);
        }

        app.UseBurrowAcmeChallenges();
        app.UseBurrowEdge(tunnel => tunnel.UseBurrowVisitorPolicy());
        app.UseRouting();
        app.UseRateLimiter();
        app.MapBurrowRegistration();
        app.MapBurrowSignOn();
        var domain = app.Services.GetRequiredService<PublicAddresses>().Domain;
        app.MapGet("/", context => context.Response.WriteAsync($"burrow server for *.{domain}\n", context.RequestAborted));
        app.MapGet("/api/health", context => context.Response.WriteAsync("ok\n", context.RequestAborted));
        return new BurrowServer(app);
    }

    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        _app.Services.GetRequiredService<DataDirectory>().EnsureSecured();

        // The channel port first: if it is taken, nothing has started yet.
        var channels = _app.Services.GetRequiredService<IOptions<ChannelOptions>>().Value;
        var channelPort = _app.Services.GetRequiredService<ChannelListener>().Start(ListenAddress(channels.ListenAddress), channels.ChannelPort);
        await _app.Services.GetRequiredService<AdminListener>().StartAsync(cancellationToken);
        _app.Services.GetRequiredService<AccessLogWriter>().Start();
        await _app.StartAsync(cancellationToken);
        var listeners = _app.Services.GetRequiredService<EdgeListeners>();
        Addresses.SetBoundPorts(listeners.Http!.IPEndPoint!.Port, listeners.Https?.IPEndPoint!.Port, channelPort);
        Log.Listening(_logger, Domain, HttpPort, HttpsPort?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "off", ChannelPort, _app.Services.GetRequiredService<DataDirectory>().Path);
    }

    /// <summary>Closes and reopens the access log file (logrotate's SIGHUP; the command wires the signal here).</summary>
    public void ReopenLogs() => _app.Services.GetRequiredService<AccessLogWriter>().Reopen();

    /// <summary>
    /// Graceful stop: the channel port stops accepting, every channel drains (GOAWAY to its agent, in-flight requests
    /// get <see cref="ChannelOptions.ShutdownGracePeriod"/> to finish, upgraded connections are closed), then Kestrel stops
    /// and the access log is flushed. Canceling <paramref name="cancellationToken"/> cuts the drain short; the rest
    /// still runs, quickly.
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
        try
        {
            await registry.DrainAllAsync("server shutting down").WaitAsync(cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Stop now (a second Ctrl-C): the listener's close below cuts the channels still draining, and the access
            // log is still flushed at the end.
        }

        await listener.DisposeAsync();
        await _app.Services.GetRequiredService<AdminListener>().DisposeAsync();
        await _app.StopAsync(cancellationToken);
        await _app.Services.GetRequiredService<AccessLogWriter>().DisposeAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        await _app.DisposeAsync();
    }

    /// <summary>"*" means every interface, IPv4 and IPv6 through one dual-mode socket; plain IPv4 where IPv6 is off.</summary>
    private static IPAddress ListenAddress(string configured)
        => configured != "*" ? IPAddress.Parse(configured)
            : System.Net.Sockets.Socket.OSSupportsIPv6 ? IPAddress.IPv6Any : IPAddress.Any;

    private static void ConfigureLogging(ILoggingBuilder logging, Action<ILoggingBuilder>? configure)
    {
        logging.ClearProviders();

        // Per-request hosting logs would drown the tunnel's own events; Burrow logs what matters itself.
        logging.AddFilter("Microsoft", LogLevel.Warning);
        logging.AddFilter("Yarp", LogLevel.Warning);

        // YARP logs every failed forward at Warning with the exception's stack (a visitor or an agent that went away
        // mid-WebSocket included); the edge logs each one itself, in one line at the level it deserves (ForwardFailure).
        logging.AddFilter("Yarp.ReverseProxy.Forwarder.HttpForwarder", LogLevel.Error);
        logging.AddFilter("System.Net.Http", LogLevel.Warning);
        logging.AddFilter("Microsoft.Hosting.Lifetime", LogLevel.Warning);

        // Off entirely, not just quiet: while this category is enabled at any level, hosting starts an Activity for
        // every request (for log correlation), which costs CPU and allocations on the hot path of every tunnel.
        logging.AddFilter("Microsoft.AspNetCore.Hosting.Diagnostics", LogLevel.None);

        // Data protection warns that its keys are stored unencrypted: they are, 0600 in the 0700 data directory beside
        // the account database, which is what protects both (Policy/DataProtectionKeyFiles).
        logging.AddFilter("Microsoft.AspNetCore.DataProtection.KeyManagement.XmlKeyManager", LogLevel.Error);
        if (configure is null)
        {
            logging.AddSimpleConsole(o => o.SingleLine = true);
        }
        else
        {
            configure(logging);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(ServerEventIds.ServerListening, LogLevel.Information, "Burrow serving *.{Domain}: HTTP on port {HttpPort}, HTTPS {HttpsPort}, channel on port {ChannelPort}, data in {DataDirectory}")]
        public static partial void Listening(ILogger logger, string domain, int httpPort, string httpsPort, int channelPort, string dataDirectory);

        [LoggerMessage(ServerEventIds.ServerStopping, LogLevel.Information, "Stopping: channels left to drain: {Channels}")]
        public static partial void Stopping(ILogger logger, int channels);
    }
}
