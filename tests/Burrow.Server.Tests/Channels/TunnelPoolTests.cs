using Burrow.Protocol;
using Burrow.Server.Channels;

namespace Burrow.Server.Tests.Channels;

/// <summary>Which channel of a name's pool takes the next request: the least busy that is live and serving.</summary>
public sealed class TunnelPoolTests : IAsyncLifetime
{
    private readonly InMemoryChannels _channels = InMemoryChannels.Start();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _channels.DisposeAsync();

    [Fact]
    public void Request_goes_to_the_live_channel_with_the_fewest_in_flight()
    {
        var (a, b, c) = (_channels.CreateLive(1, "demo"), _channels.CreateLive(1, "demo"), _channels.CreateLive(1, "demo"));
        var pool = new TunnelPool("demo", [a, b, c]);
        Begin(a, 2);
        Begin(c, 1);

        var route = pool.Pick();
        Assert.Same(b, route?.Channel);
        Assert.Equal("demo", route!.Name);
        Assert.Equal("demo.example.com", route.Host);

        Begin(b, 3);
        Assert.Same(c, pool.Pick()?.Channel);

        // Upgraded connections (WebSockets) count as load too.
        Assert.Equal(RequestAdmission.Admitted, c.TryBeginRequest(upgrade: true));
        Assert.Equal(RequestAdmission.Admitted, c.TryBeginRequest(upgrade: true));
        Assert.Same(a, pool.Pick()?.Channel);
    }

    [Fact]
    public void Channel_whose_agent_reports_its_local_server_down_gets_no_requests()
    {
        var (busy, idle) = (_channels.CreateLive(1, "demo"), _channels.CreateLive(1, "demo"));
        var pool = new TunnelPool("demo", [busy, idle]);
        Begin(busy, 5);

        idle.IsServing = false;
        Assert.Same(busy, pool.Pick()?.Channel);

        busy.IsServing = false;
        Assert.Null(pool.Pick());

        idle.IsServing = true;
        Assert.Same(idle, pool.Pick()?.Channel);
    }

    [Fact]
    public async Task Draining_and_pending_channels_get_no_requests()
    {
        var live = _channels.CreateLive(1, "demo");
        var pending = _channels.Create(1, ["demo"]);
        var draining = _channels.CreateLive(1, "demo");
        var pool = new TunnelPool("demo", [pending, draining, live]);
        Begin(live, 3);

        // A graceful close waits for the request in flight: until then the channel is draining, and refuses new ones.
        Assert.Equal(RequestAdmission.Admitted, draining.TryBeginRequest(upgrade: false));
        var closing = draining.CloseAsync(ProtocolErrorCode.NoError, "test drains it", graceful: true);
        Assert.Equal(ChannelState.Draining, draining.State);
        Assert.Equal(RequestAdmission.NotLive, draining.TryBeginRequest(upgrade: false));
        Assert.Equal(ChannelState.Pending, pending.State);

        Assert.Same(live, pool.Pick()?.Channel);
        Assert.Null(new TunnelPool("demo", [pending, draining]).Pick());

        draining.EndRequest(upgrade: false);
        await closing.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(ChannelState.Closed, draining.State);
    }

    [Fact]
    public void Pools_change_by_copy()
    {
        var (a, b) = (_channels.CreateLive(1, "demo"), _channels.CreateLive(1, "demo"));
        var one = new TunnelPool("demo", [a]);

        var two = one.With(b);
        Assert.Equal([a], one.Channels);
        Assert.Equal([a, b], two.Channels);
        Assert.Equal([b], two.Without(a)!.Channels);
        Assert.Same(one, one.Without(b));
        Assert.Null(one.Without(a));
    }

    private static void Begin(TunnelChannel channel, int requests)
    {
        for (var i = 0; i < requests; i++)
        {
            Assert.Equal(RequestAdmission.Admitted, channel.TryBeginRequest(upgrade: false));
        }
    }
}
