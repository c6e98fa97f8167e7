using System.Net;
using System.Net.Http;
using Burrow.Protocol;
using Burrow.Protocol.Mux;
using Burrow.Server.Channels;

namespace Burrow.Server.Edge;

/// <summary>
/// The HttpMessageInvoker YARP forwards with. Its <see cref="SocketsHttpHandler.ConnectCallback"/> opens a mux stream
/// on the channel the request was routed to instead of a socket, so YARP and SocketsHttpHandler keep doing what they
/// are good at: connection reuse, header rules, bodies, upgrades. The route travels with the request
/// (<see cref="RouteKey"/>); each (channel, name) is its own destination, so pooled streams stay with theirs.
/// </summary>
internal sealed class TunnelConnector : IDisposable
{
    /// <summary>Where the edge puts the request's <see cref="TunnelRoute"/> for the connect callback.</summary>
    public static readonly HttpRequestOptionsKey<TunnelRoute> RouteKey = new("burrow.route");

    public TunnelConnector()
    {
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

    public void Dispose() => Invoker.Dispose();

    private static async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken cancellationToken)
    {
        if (!context.InitialRequestMessage.Options.TryGetValue(RouteKey, out var route))
        {
            throw new InvalidOperationException("A request reached the tunnel connector without a route.");
        }

        if (route.Channel.State != ChannelState.Live)
        {
            throw new MuxStreamException(ProtocolErrorCode.RefusedStream, $"The channel for {route.Name} is closing.");
        }

        return await route.Channel.Connection.OpenStreamAsync(route.Host, cancellationToken);
    }
}
