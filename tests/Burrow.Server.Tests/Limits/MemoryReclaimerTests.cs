using Burrow.Protocol.Mux.FlowControl;
using Burrow.Server.Limits;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Burrow.Server.Tests.Limits;

public sealed class MemoryReclaimerTests
{
    private const long MiB = 1024 * 1024;

    [Fact]
    public void Reclaims_once_a_large_burst_has_drained_and_not_again_within_a_minute()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var budget = new BufferBudget(1024 * MiB);
        using var reclaimer = new MemoryReclaimer(budget, time, NullLogger<MemoryReclaimer>.Instance);

        budget.Add(64 * MiB);
        Assert.False(reclaimer.Check()); // still held: nothing to give back yet
        budget.Add(-63 * MiB);
        Assert.True(reclaimer.Check()); // drained to under a sixteenth of the peak

        budget.Add(63 * MiB);
        Assert.False(reclaimer.Check());
        budget.Add(-63 * MiB);
        Assert.False(reclaimer.Check()); // a second burst within the minute waits

        time.Advance(TimeSpan.FromMinutes(1));
        Assert.True(reclaimer.Check());
    }

    [Fact]
    public void Small_bursts_never_force_a_collection()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var budget = new BufferBudget(1024 * MiB);
        using var reclaimer = new MemoryReclaimer(budget, time, NullLogger<MemoryReclaimer>.Instance);

        budget.Add(16 * MiB);
        Assert.False(reclaimer.Check());
        budget.Add(-16 * MiB);
        Assert.False(reclaimer.Check());
    }
}
