using System.Net;
using Burrow.Protocol.Mux.FlowControl;
using Burrow.Server.Limits;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
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
        using var reclaimer = new MemoryReclaimer(budget, Connections(), time, NullLogger<MemoryReclaimer>.Instance);

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
        using var reclaimer = new MemoryReclaimer(budget, Connections(), time, NullLogger<MemoryReclaimer>.Instance);

        budget.Add(16 * MiB);
        Assert.False(reclaimer.Check());
        budget.Add(-16 * MiB);
        Assert.False(reclaimer.Check());
    }

    [Fact]
    public void Reclaims_once_a_surge_of_public_connections_has_closed()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var connections = Connections();
        using var reclaimer = new MemoryReclaimer(new BufferBudget(1024 * MiB), connections, time, NullLogger<MemoryReclaimer>.Instance);

        // A thousand connections from ten networks: a burst, even though no channel buffered anything.
        var keys = Enumerable.Range(0, 1000).Select(i => connections.TryEnter(IPAddress.Parse($"198.51.100.{i % 10}"))!.Value).ToList();
        Assert.Equal(1000, connections.Open);
        Assert.False(reclaimer.Check());

        // Most of them close, but not yet to a sixteenth: still under load.
        keys.Take(900).ToList().ForEach(connections.Exit);
        Assert.False(reclaimer.Check());

        keys.Skip(900).Take(50).ToList().ForEach(connections.Exit);
        Assert.Equal(50, connections.Open);
        Assert.True(reclaimer.Check());
    }

    private static ConnectionsPerClient Connections() =>
        new(Options.Create(new LimitOptions { MaxConnectionsPerClient = 1000 }), []);
}
