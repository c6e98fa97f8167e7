using System.Net;
using Burrow.Server.Admin.Dashboard;
using Burrow.Server.Certificates;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OpenTelemetry.Metrics;

namespace Burrow.Server.Admin;

/// <summary>
/// The admin listener: a Kestrel instance of its own (<see cref="AdminOptions.AdminPort"/>, loopback by default),
/// apart from the public edge, so none of the edge's middleware, limits or per-request cost applies to it, and a visitor
/// can never reach it through a tunnel host. It shares the server's services (accounts, registry, meters).
/// </summary>
internal sealed partial class AdminListener : IAsyncDisposable
{
    private readonly IServiceProvider _services;
    private readonly AdminOptions _options;
    private readonly TrafficHistory _history;
    private readonly ILoggerFactory _loggerFactory;
    private readonly ILogger _logger;
    private KestrelServer? _server;

    public AdminListener(IServiceProvider services, IOptions<AdminOptions> options, TrafficHistory history, ILoggerFactory loggerFactory)
    {
        _services = services;
        _options = options.Value;
        _history = history;
        _loggerFactory = loggerFactory;
        _logger = loggerFactory.CreateLogger<AdminListener>();
    }

    /// <summary>The port bound (valid after <see cref="StartAsync"/>); null when the listener is off.</summary>
    public int? Port { get; private set; }

    /// <summary>The scheme it serves: https with AdminHttps.</summary>
    public string Scheme => _options.AdminHttps ? "https" : "http";

    /// <summary>Binds and starts serving. Throws <see cref="IOException"/> when the address is taken.</summary>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (!_options.AdminEnabled)
        {
            return;
        }

        var address = AdminOptionsValidator.ParseAddress(_options.AdminListen)!;
        var kestrel = new KestrelServerOptions { AddServerHeader = false, ApplicationServices = _services };
        kestrel.Limits.MaxConcurrentConnections = 256;
        kestrel.Limits.MaxRequestBodySize = 64 * 1024;
        ListenOptions? listen = null;
        kestrel.Listen(address, _options.AdminPort, options =>
        {
            listen = options;
            options.Protocols = _options.AdminHttps ? HttpProtocols.Http1AndHttp2 : HttpProtocols.Http1;
            if (_options.AdminHttps)
            {
                options.UseHttps(_services.GetRequiredService<ServerCertificates>().ConfigureHttps);
            }
        });

        var transport = new SocketTransportFactory(Options.Create(new SocketTransportOptions()), _loggerFactory);
        var server = new KestrelServer(Options.Create(kestrel), transport, _loggerFactory);
        var application = new AdminApplication(
            _services,
            _services.GetRequiredService<MeterProvider>(),
            ActivatorUtilities.CreateInstance<AdminApi>(_services),
            ActivatorUtilities.CreateInstance<AdminAuthentication>(_services),
            _options,
            _loggerFactory.CreateLogger<AdminApplication>());
        try
        {
            await server.StartAsync(application, cancellationToken);
        }
        catch (Exception ex) when (IsAddressInUse(ex))
        {
            server.Dispose();
            throw new IOException($"Failed to bind the admin port {_options.AdminListen}:{_options.AdminPort}: {ex.Message} (choose another with --admin-port, or --admin-port 0)", ex);
        }

        _server = server;
        Port = listen!.IPEndPoint!.Port;
        _history.Start();
        Log.Listening(_logger, Scheme, _options.AdminListen, Port.Value);
    }

    public async ValueTask DisposeAsync()
    {
        if (_server is null)
        {
            return;
        }

        // Open event streams end when their connections are aborted; everything else gets a second.
        using (var grace = new CancellationTokenSource(TimeSpan.FromSeconds(1)))
        {
            await _server.StopAsync(grace.Token);
        }

        _server.Dispose();
        _server = null;
        await _history.DisposeAsync();
    }

    private static bool IsAddressInUse(Exception? ex)
    {
        for (; ex is not null; ex = ex.InnerException)
        {
            if (ex is AddressInUseException or System.Net.Sockets.SocketException { SocketErrorCode: System.Net.Sockets.SocketError.AddressAlreadyInUse })
            {
                return true;
            }
        }

        return false;
    }

    private static partial class Log
    {
        [LoggerMessage(ServerEventIds.AdminListening, LogLevel.Information, "Admin listener on {Scheme}://{Address}:{Port}: dashboard at /, metrics at /metrics, API at /api/")]
        public static partial void Listening(ILogger logger, string scheme, string address, int port);
    }
}
