using Microsoft.Extensions.Time.Testing;

namespace Burrow.Testing;

/// <summary>
/// A <see cref="FakeTimeProvider"/> that knows which timers the code under test has armed (<c>Task.Delay</c>,
/// <c>CancellationTokenSource</c> deadlines, <c>PeriodicTimer</c> on this clock all create one). Advancing the clock
/// only fires timers that exist, so before each step a test awaits "the loop is waiting on the clock again"
/// (<see cref="WaitForArmedTimersAsync"/>) instead of sleeping and hoping it is.
/// </summary>
public sealed class WatchedFakeTimeProvider : FakeTimeProvider
{
    private readonly Lock _lock = new();
    private readonly List<WatchedTimer> _timers = [];
    private readonly ChangeSignal _changed = new();

    public WatchedFakeTimeProvider()
    {
    }

    public WatchedFakeTimeProvider(DateTimeOffset start)
        : base(start)
    {
    }

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = new WatchedTimer(this, dueTime, period);
        lock (_lock)
        {
            _timers.Add(timer);
        }

        timer.Inner = base.CreateTimer(
            s =>
            {
                timer.OnFired();
                callback(s);
            },
            state,
            dueTime,
            period);
        _changed.Pulse();
        return timer;
    }

    /// <summary>How many timers are armed now (not fired, stopped or disposed) that were last set to <paramref name="dueTime"/>.</summary>
    public int ArmedTimers(TimeSpan dueTime)
    {
        lock (_lock)
        {
            return _timers.Count(t => t.IsArmed && t.DueTime == dueTime);
        }
    }

    /// <summary>Completes once at least <paramref name="count"/> timers set to <paramref name="dueTime"/> are armed.</summary>
    public Task WaitForArmedTimersAsync(TimeSpan dueTime, int count, TimeSpan? timeout = null)
        => _changed.WaitUntilAsync(
            () => ArmedTimers(dueTime) >= count,
            timeout ?? TimeSpan.FromSeconds(15),
            () => $"{ArmedTimers(dueTime)} of {count} timers due in {dueTime} are armed.");

    private void Forget(WatchedTimer timer)
    {
        lock (_lock)
        {
            _timers.Remove(timer);
        }

        _changed.Pulse();
    }

    private sealed class WatchedTimer(WatchedFakeTimeProvider clock, TimeSpan dueTime, TimeSpan period) : ITimer
    {
        private readonly Lock _lock = new();
        private bool _fired;

        public ITimer Inner { get; set; } = null!;

        public TimeSpan DueTime { get; private set; } = dueTime;

        private TimeSpan Period { get; set; } = period;

        public bool IsArmed
        {
            get
            {
                lock (_lock)
                {
                    return DueTime != Timeout.InfiniteTimeSpan && (!_fired || Period != Timeout.InfiniteTimeSpan);
                }
            }
        }

        public void OnFired()
        {
            lock (_lock)
            {
                _fired = true;
            }

            clock._changed.Pulse();
        }

        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            lock (_lock)
            {
                (DueTime, Period, _fired) = (dueTime, period, false);
            }

            clock._changed.Pulse();
            return Inner.Change(dueTime, period);
        }

        public void Dispose()
        {
            Inner.Dispose();
            clock.Forget(this);
        }

        public async ValueTask DisposeAsync()
        {
            await Inner.DisposeAsync();
            clock.Forget(this);
        }
    }
}
