using Burrow.Protocol.Mux.FlowControl;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Burrow.Server.Limits;

/// <summary>
/// Gives memory back after a burst (issue #10: "after an attack, the memory goes back"; issue #16: "memory that goes back
/// down"). A thousand uploads to an agent that stopped reading leave the garbage collector holding hundreds of MiB it
/// committed for their connections and buffers, and it keeps them committed for the next burst. Once the load is over
/// (the channels' buffers emptied after holding a lot, or the public connections fell after a surge), one aggressive
/// collection compacts the heap and returns the free memory to the operating system. bench/run.sh --hostile showed why
/// both signals are needed: the attack's channel holds at most its 16 MiB budget, while its thousand public connections
/// held the rest. Checked every few seconds; at most once a minute.
/// </summary>
internal sealed partial class MemoryReclaimer : BackgroundService
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan MinimumGap = TimeSpan.FromMinutes(1);

    /// <summary>A burst worth reclaiming after: the channels held at least this much at some point...</summary>
    private const long BurstBytes = 32L * 1024 * 1024;

    /// <summary>...or this many public connections were open (each costs its socket buffers, request and copy buffers).</summary>
    private const int BurstConnections = 256;

    private readonly BufferBudget _budget;
    private readonly ConnectionsPerClient _connections;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private long _peakBytes;
    private int _peakConnections;
    private long _lastReclaim;

    public MemoryReclaimer(BufferBudget budget, ConnectionsPerClient connections, TimeProvider time, ILogger<MemoryReclaimer> logger)
    {
        _budget = budget;
        _connections = connections;
        _time = time;
        _logger = logger;
    }

    /// <summary>One check: reclaims and returns true when a burst is over (both signals down to a sixteenth of their peak).</summary>
    public bool Check()
    {
        var used = _budget.Used;
        var open = _connections.Open;
        _peakBytes = Math.Max(_peakBytes, used);
        _peakConnections = Math.Max(_peakConnections, open);
        var burst = _peakBytes >= BurstBytes || _peakConnections >= BurstConnections;
        var over = used <= _peakBytes / 16 && open <= _peakConnections / 16;
        if (!burst || !over || (_lastReclaim != 0 && _time.GetElapsedTime(_lastReclaim) < MinimumGap))
        {
            return false;
        }

        var before = GC.GetGCMemoryInfo().TotalCommittedBytes;
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        var after = GC.GetGCMemoryInfo().TotalCommittedBytes;
        Log.Reclaimed(_logger, _peakBytes / (1024 * 1024), _peakConnections, (before - after) / (1024 * 1024));
        (_peakBytes, _peakConnections) = (used, open);
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
        [LoggerMessage(ServerEventIds.MemoryReclaimed, LogLevel.Information, "The load is over (channels held up to {PeakMiB} MiB, {PeakConnections} public connections were open): returned {FreedMiB} MiB of committed memory")]
        public static partial void Reclaimed(ILogger logger, long peakMiB, int peakConnections, long freedMiB);
    }
}
