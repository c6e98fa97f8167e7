using System.Net;
using System.Net.Http;
using Burrow.Protocol;
using Burrow.Server.Channels;

namespace Burrow.Server.Edge;

/// <summary>
/// The HttpMessageInvoker YARP forwards with. Its <see cref="SocketsHttpHandler.ConnectCallback"/> opens a mux stream
/// on the tunnel's channel instead of a socket, so YARP and SocketsHttpHandler keep doing what they are good at:
/// connection reuse, header rules, bodies, upgrades. Destinations are <c>http://NAME.tunnel/</c>, which gives each
/// tunnel its own connection pool.
/// </summary>
internal sealed class TunnelConnector : IDisposable
{
    public const string DestinationSuffix = ".tunnel";

    private readonly TunnelRegistry _registry;

    public TunnelConnector(TunnelRegistry registry)
    {
        _registry = registry;
        var handler = new SocketsHttpHandler
        {
            UseProxy = false,
            AllowAutoRedirect = false,
            AutomaticDecompression = DecompressionMethods.None,
            UseCookies = false,
            EnableMultipleHttp2Connections = false,
            ActivityHeadersPropagator = null,
            ConnectTimeout = TimeSpan.FromSeconds(15),
            PooledConnectionIdleTimeout = TimeSpan.FromSeconds(50),
            ConnectCallback = ConnectAsync,
        };
        Invoker = new HttpMessageInvoker(handler, disposeHandler: true);
    }

    public HttpMessageInvoker Invoker { get; }

    public static string DestinationFor(string name) => $"http://{name}{DestinationSuffix}/";

    public void Dispose() => Invoker.Dispose();

    private async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken cancellationToken)
    {
        var host = context.DnsEndPoint.Host;
        var name = host.EndsWith(DestinationSuffix, StringComparison.Ordinal) ? host[..^DestinationSuffix.Length] : host;
        if (!_registry.TryGet(name, out var channel) || channel.Connection.IsDraining)
        {
            throw new MuxStreamException(ProtocolErrorCode.ConnectionLost, $"No agent is connected for {name}.");
        }

        return await channel.Connection.OpenStreamAsync(channel.Hosts[name], cancellationToken);
    }
}
