using Microsoft.AspNetCore.Http.Features;

namespace Burrow.Server.Observability;

/// <summary>
/// Counts what an upgraded connection (WebSocket over HTTP/1.1's Upgrade, or HTTP/2's extended CONNECT) carries after
/// its handshake: YARP copies those bytes through the stream the upgrade returns, not through the request and response
/// bodies, so without this a WebSocket tunnel's traffic never showed in <c>burrow_transferred_bytes_total</c>.
/// Installed in place of whichever of the two features the request has.
/// </summary>
internal sealed class CountingUpgrade : IHttpUpgradeFeature, IHttpExtendedConnectFeature
{
    private readonly IHttpUpgradeFeature? _upgrade;
    private readonly IHttpExtendedConnectFeature? _connect;
    private readonly TunnelTraffic _traffic;

    public CountingUpgrade(IHttpUpgradeFeature? upgrade, IHttpExtendedConnectFeature? connect, TunnelTraffic traffic)
    {
        _upgrade = upgrade;
        _connect = connect;
        _traffic = traffic;
    }

    /// <summary>The upgraded connection once accepted, with its byte counts; null before (or for a plain request).</summary>
    public CountingUpgradedStream? Stream { get; private set; }

    public bool IsUpgradableRequest => _upgrade?.IsUpgradableRequest == true;

    public bool IsExtendedConnect => _connect?.IsExtendedConnect == true;

    public string? Protocol => _connect?.Protocol;

    public async Task<Stream> UpgradeAsync()
        => Stream = new CountingUpgradedStream(await (_upgrade ?? throw new InvalidOperationException("Not an upgradable request.")).UpgradeAsync(), _traffic);

    public async ValueTask<Stream> AcceptAsync()
        => Stream = new CountingUpgradedStream(await (_connect ?? throw new InvalidOperationException("Not an extended CONNECT.")).AcceptAsync(), _traffic);
}
