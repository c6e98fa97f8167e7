using System.Net;
using System.Threading.RateLimiting;
using Burrow.Server.Hosting;
using Microsoft.Extensions.Options;

namespace Burrow.Server.Channels;

/// <summary>
/// Limits new channel connections per client address (a fixed window per minute), so the unauthenticated channel port
/// cannot be used to make the server run handshakes at any rate. A connection over the limit is closed before its
/// first byte is read.
/// </summary>
internal sealed class ChannelRateLimiter : IDisposable
{
    private readonly PartitionedRateLimiter<IPAddress> _limiter;

    public ChannelRateLimiter(IOptions<BurrowServerOptions> options)
    {
        var permits = options.Value.ChannelConnectionsPerMinute;
        _limiter = PartitionedRateLimiter.Create<IPAddress, IPAddress>(address => RateLimitPartition.GetFixedWindowLimiter(
            address,
            _ => new FixedWindowRateLimiterOptions { PermitLimit = permits, Window = TimeSpan.FromMinutes(1), QueueLimit = 0 }));
    }

    public bool TryAcquire(IPAddress? address)
    {
        using var lease = _limiter.AttemptAcquire(address ?? IPAddress.None);
        return lease.IsAcquired;
    }

    public void Dispose() => _limiter.Dispose();
}
