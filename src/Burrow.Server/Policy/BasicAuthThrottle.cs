using System.Net;
using System.Threading.RateLimiting;
using Burrow.Server.Limits;
using Microsoft.Extensions.Options;

namespace Burrow.Server.Policy;

/// <summary>
/// Wrong basic-auth credentials cost the server a slow hash each, so a visitor could turn guessing into a CPU attack
/// on every tunnel: each client network (an IPv4 address, an IPv6 /64 by default) gets
/// <see cref="PolicyOptions.BasicAuthFailuresPerMinute"/> wrong answers a minute, then 429 until the window turns,
/// before anything is hashed, and the whole server <see cref="PolicyOptions.BasicAuthChecksPerMinute"/>, however many
/// networks the guesses come from. Right answers are never counted.
/// </summary>
internal sealed class BasicAuthThrottle : IDisposable
{
    private readonly PartitionedRateLimiter<ClientNetwork> _failures;
    private readonly int _ipv6PrefixLength;

    public BasicAuthThrottle(IOptions<PolicyOptions> options, IOptions<LimitOptions> limits)
    {
        var permits = options.Value.BasicAuthFailuresPerMinute;
        var serverPermits = options.Value.BasicAuthChecksPerMinute;
        _ipv6PrefixLength = limits.Value.IPv6PrefixLength;
        _failures = PartitionedRateLimiter.CreateChained(
            PartitionedRateLimiter.Create<ClientNetwork, ClientNetwork>(network => RateLimitPartition.GetFixedWindowLimiter(
                network,
                _ => new FixedWindowRateLimiterOptions { PermitLimit = permits, Window = TimeSpan.FromMinutes(1), QueueLimit = 0 })),
            PartitionedRateLimiter.Create<ClientNetwork, bool>(_ => RateLimitPartition.GetFixedWindowLimiter(
                true,
                _ => new FixedWindowRateLimiterOptions { PermitLimit = serverPermits, Window = TimeSpan.FromMinutes(1), QueueLimit = 0 })));
    }

    /// <summary>
    /// Takes one slow password check from the client's network's budget for this minute; false (with when to try
    /// again) when it is spent. Taken before the check, so guesses sent in parallel cannot all pass it; a right password
    /// costs one permit the first time only (afterwards the fast path answers).
    /// </summary>
    public bool TryTake(IPAddress? client, out TimeSpan retryAfter)
    {
        using var lease = _failures.AttemptAcquire(ClientNetwork.Of(client, _ipv6PrefixLength));
        retryAfter = lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : TimeSpan.FromMinutes(1);
        return lease.IsAcquired;
    }

    public void Dispose() => _failures.Dispose();
}
