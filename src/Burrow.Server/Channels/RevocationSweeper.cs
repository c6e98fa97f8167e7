using Burrow.Protocol;
using Burrow.Server.Accounts;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Burrow.Server.Channels;

/// <summary>
/// Closes live channels whose token was revoked or whose user was removed. Tokens are managed by the
/// <c>burrow token</c> command in another process, so the database is the source of truth and is polled.
/// </summary>
internal sealed partial class RevocationSweeper : BackgroundService
{
    private readonly TunnelRegistry _registry;
    private readonly AccountStore _accounts;
    private readonly TimeProvider _time;
    private readonly TimeSpan _interval;
    private readonly ILogger _logger;

    public RevocationSweeper(TunnelRegistry registry, AccountStore accounts, TimeProvider time, IOptions<ChannelOptions> options, ILogger<RevocationSweeper> logger)
    {
        _registry = registry;
        _accounts = accounts;
        _time = time;
        _interval = options.Value.RevocationCheckInterval;
        _logger = logger;
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
                        Log.Revoked(_logger, channel.UserName, string.Join(',', channel.Names), channel.RemoteEndPoint);
                        _ = channel.CloseAsync(ProtocolErrorCode.Revoked, "The token this tunnel registered with was revoked.", graceful: false);
                    }
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private static partial class Log
    {
        [LoggerMessage(ServerEventIds.ChannelRevoked, LogLevel.Information, "Closing the channel of {User} serving {Names} from {Remote}: its token was revoked")]
        public static partial void Revoked(ILogger logger, string user, string names, string remote);
    }
}
