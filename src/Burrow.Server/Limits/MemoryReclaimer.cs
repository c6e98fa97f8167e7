using Burrow.Protocol.Mux.FlowControl;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Burrow.Server.Limits;

/// <summary>
/// Gives memory back after a burst (issue #10: "after an attack, the memory goes back"). A thousand uploads to an agent
/// that stopped reading leave the garbage collector holding hundreds of MiB it committed for them, and it keeps them
/// committed for the next burst. Once the channels' buffers have emptied again after having held a lot, one aggressive
/// collection compacts the heap and returns the free memory to the operating system (measured with bench/run.sh
/// --hostile: RSS 30 s after the attack ends falls to about 2x idle). Checked every few seconds; at most once a minute.
/// </summary>
internal sealed partial class MemoryReclaimer : BackgroundService
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan MinimumGap = TimeSpan.FromMinutes(1);

    /// <summary>A burst worth reclaiming after: the channels held at least this much at some point.</summary>
    private const long BurstBytes = 32L * 1024 * 1024;

    private readonly BufferBudget _budget;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private long _peak;
    private long _lastReclaim;

    public MemoryReclaimer(BufferBudget budget, TimeProvider time, ILogger<MemoryReclaimer> logger)
    {
        _budget = budget;
        _time = time;
        _logger = logger;
    }

    /// <summary>One check: reclaims and returns true when a burst is over.</summary>
    public bool Check()
    {
        var used = _budget.Used;
        _peak = Math.Max(_peak, used);
        if (_peak < BurstBytes || used > _peak / 16 || (_lastReclaim != 0 && _time.GetElapsedTime(_lastReclaim) < MinimumGap))
        {
            return false;
        }

        var before = GC.GetGCMemoryInfo().TotalCommittedBytes;
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        var after = GC.GetGCMemoryInfo().TotalCommittedBytes;
        Log.Reclaimed(_logger, _peak / (1024 * 1024), (before - after) / (1024 * 1024));
        _peak = used;
        _lastReclaim = _time.GetTimestamp();
        return true;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval, _time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                Check();
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private static partial class Log
    {
        [LoggerMessage(ServerEventIds.MemoryReclaimed, LogLevel.Information, "Channels held up to {PeakMiB} MiB and have drained: returned {FreedMiB} MiB of committed memory")]
        public static partial void Reclaimed(ILogger logger, long peakMiB, long freedMiB);
    }
}
