using Burrow.Server.Accounts;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Burrow.Server.Registration;

/// <summary>
/// Releases names no channel has served for <see cref="RegistrationOptions.NameRetentionDays"/>, so names do not stay
/// taken for ever by users who left (issue #10). Names served right now count as used today. Runs hourly; the clock is the server's <see cref="TimeProvider"/>.
/// </summary>
internal sealed partial class NameRetentionSweeper : BackgroundService
{
    private static readonly TimeSpan Interval = TimeSpan.FromHours(1);

    private readonly AccountStore _accounts;
    private readonly ILiveTunnels _live;
    private readonly TimeProvider _time;
    private readonly int _retentionDays;
    private readonly ILogger _logger;

    public NameRetentionSweeper(AccountStore accounts, ILiveTunnels live, TimeProvider time, IOptions<RegistrationOptions> options, ILogger<NameRetentionSweeper> logger)
    {
        _accounts = accounts;
        _live = live;
        _time = time;
        _retentionDays = options.Value.NameRetentionDays;
        _logger = logger;
    }

    /// <summary>One pass: returns the names released.</summary>
    public IReadOnlyList<string> Sweep()
    {
        var live = _live.LiveNames();
        if (live.Count > 0)
        {
            _accounts.TouchNames(live);
        }

        var released = _accounts.ReleaseNamesUnusedSince(_time.GetUtcNow() - TimeSpan.FromDays(_retentionDays));
        if (released.Count > 0)
        {
            Log.Released(_logger, released.Count, _retentionDays, string.Join(',', released.Take(20)));
        }

        return released;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (_retentionDays == 0)
        {
            return;
        }

        using var timer = new PeriodicTimer(Interval, _time);
        try
        {
            // The first pass waits an interval too: SQLite stays unloaded on a server nobody has used yet.
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                Sweep();
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private static partial class Log
    {
        [LoggerMessage(ServerEventIds.NamesReleased, LogLevel.Information, "Released {Count} names unused for {Days} days: {Names}")]
        public static partial void Released(ILogger logger, int count, int days, string names);
    }
}
