using System.Net;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Burrow.Agent.Inspection.Web;

/// <summary>
/// The inspector's HTTP listener: a bare Kestrel (no generic host, no dependency injection, no routing middleware),
/// which is all a page and a small JSON API need. Chosen over HttpListener (prefix matching, no port 0 on Linux) and a
/// hand-written server (another HTTP parser to get right); docs/inspector.md has the memory it costs.
/// </summary>
internal sealed class InspectorServer : IAsyncDisposable
{
    /// <summary>Ports tried after a taken default (4040 to 4139), before giving up.</summary>
    public const int PortAttempts = 100;

    private readonly KestrelServer _server;

    private InspectorServer(KestrelServer server, IPEndPoint endpoint)
    {
        _server = server;
        EndPoint = endpoint;
    }

    public IPEndPoint EndPoint { get; }

    public Uri Url => new($"http://{(EndPoint.Address.Equals(IPAddress.Any) ? IPAddress.Loopback : EndPoint.Address.Equals(IPAddress.IPv6Any) ? IPAddress.IPv6Loopback : EndPoint.Address)}:{EndPoint.Port}/".Replace("::1", "[::1]", StringComparison.Ordinal));

    /// <summary>Listens on the options' address, or (when allowed) the next free port after it.</summary>
    public static async Task<InspectorServer> StartAsync(InspectorOptions options, InspectorApplication application, ILoggerFactory loggerFactory, CancellationToken cancellationToken)
    {
        var logger = loggerFactory.CreateLogger<InspectorServer>();
        var attempts = options.FallBackToNextPort && options.Address.Port != 0 ? PortAttempts : 1;
        for (var i = 0; ; i++)
        {
            var endpoint = new IPEndPoint(options.Address.Address, options.Address.Port == 0 ? 0 : options.Address.Port + i);
            var server = Create(endpoint, loggerFactory);
            try
            {
                await server.StartAsync(application, cancellationToken);
                var bound = Bound(server) ?? endpoint;
                return new InspectorServer(server, bound);
            }
            catch (Exception ex) when (IsAddressInUse(ex))
            {
                server.Dispose();
                InspectorLog.PortTaken(logger, endpoint.Port);
                if (i + 1 >= attempts || endpoint.Port >= IPEndPoint.MaxPort)
                {
                    throw new AgentException(AgentExitCode.ConfigError, $"the inspector cannot listen on {endpoint}: {ex.Message} (choose another with --inspect ADDR, or --inspect off)");
                }
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        // Open event streams end when the store completes its subscribers; anything else gets a second to finish.
        using var grace = new CancellationTokenSource(TimeSpan.FromSeconds(1));
        await _server.StopAsync(grace.Token);
        _server.Dispose();
    }

    /// <summary>Kestrel wraps the transport's AddressInUseException in an IOException.</summary>
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

    private static KestrelServer Create(IPEndPoint endpoint, ILoggerFactory loggerFactory)
    {
        var kestrel = new KestrelServerOptions { AddServerHeader = false };
        kestrel.Limits.MaxRequestBodySize = Replay.ReplayEdits.MaxSize;
        kestrel.Limits.MaxConcurrentConnections = 64;
        kestrel.Limits.MaxRequestHeadersTotalSize = 64 * 1024;
        kestrel.Listen(endpoint);
        var transport = new SocketTransportFactory(Options.Create(new SocketTransportOptions()), loggerFactory);
        return new KestrelServer(Options.Create(kestrel), transport, loggerFactory);
    }

    private static IPEndPoint? Bound(KestrelServer server)
    {
        var address = server.Features.Get<Microsoft.AspNetCore.Hosting.Server.Features.IServerAddressesFeature>()?.Addresses.FirstOrDefault();
        return address is not null && Uri.TryCreate(address, UriKind.Absolute, out var uri) && IPAddress.TryParse(uri.Host.Trim('[', ']'), out var ip)
            ? new IPEndPoint(ip, uri.Port)
            : null;
    }
}
