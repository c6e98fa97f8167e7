using Burrow.Protocol;
using Burrow.Server.Accounts;
using Burrow.Server.Hosting;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Burrow.Server.Channels;

/// <summary>
/// Closes live channels whose token was revoked or whose user was removed. Tokens are managed by the
/// <c>burrow token</c> command in another process, so the database is the source of truth and is polled.
/// </summary>
internal sealed class RevocationSweeper : BackgroundService
{
    private readonly TunnelRegistry _registry;
    private readonly AccountStore _accounts;
    private readonly TimeProvider _time;
    private readonly TimeSpan _interval;

    public RevocationSweeper(TunnelRegistry registry, AccountStore accounts, TimeProvider time, IOptions<BurrowServerOptions> options)
    {
        _registry = registry;
        _accounts = accounts;
        _time = time;
        _interval = options.Value.RevocationCheckInterval;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(_interval, _time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                foreach (var channel in _registry.Channels.ToList())
                {
                    if (!_accounts.IsTokenActive(channel.TokenId))
                    {
                        _registry.Remove(channel);
                        channel.Connection.Abort(ProtocolErrorCode.Revoked, "The token this tunnel registered with was revoked.");
                    }
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }
}
