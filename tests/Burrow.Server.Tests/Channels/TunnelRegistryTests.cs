using Burrow.Server.Channels;

namespace Burrow.Server.Tests.Channels;

/// <summary>Routing names to channels: replacement, pools, the per-user limits (live tunnels, requests in flight), and what registration asks of it.</summary>
public sealed class TunnelRegistryTests : IAsyncLifetime
{
    private readonly InMemoryChannels _channels = InMemoryChannels.Start();

    private TunnelRegistry Registry => _channels.Registry;

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _channels.DisposeAsync();

    [Fact]
    public void Admitted_channel_is_live_and_routes_each_of_its_names()
    {
        var channel = _channels.Create(1, ["web", "api"]);

        Assert.True(Registry.TryAdd(channel, maxTunnels: 10, out var replaced, out _));

        Assert.Empty(replaced);
        Assert.Equal(ChannelState.Live, channel.State);
        Assert.Same(channel, Registry.Resolve("web")?.Channel);
        Assert.Equal("api.example.com", Registry.Resolve("api")?.Host);
        Assert.Null(Registry.Resolve("other"));
        Assert.True(Registry.IsServed("web"));
        Assert.False(Registry.IsServed("other"));
        Assert.Same(channel, Registry.Find(channel.Id));
        Assert.Equal(1, Registry.ChannelCount);
    }

    [Fact]
    public void Newer_channel_of_the_same_user_replaces_the_older_one_once()
    {
        var old = _channels.Create(1, ["web", "api"]);
        var newer = _channels.Create(1, ["web", "api"]);
        Assert.True(Registry.TryAdd(old, 10, out _, out _));

        Assert.True(Registry.TryAdd(newer, 10, out var replaced, out _));

        Assert.Equal([old], replaced);
        Assert.Same(newer, Registry.Resolve("web")?.Channel);
        Assert.Same(newer, Registry.Resolve("api")?.Channel);
    }

    [Fact]
    public void Pooled_channel_joins_the_name_and_requests_go_to_the_less_busy()
    {
        var first = _channels.Create(1, ["demo"]);
        var second = _channels.Create(1, ["demo"], pooled: true);
        Assert.True(Registry.TryAdd(first, 10, out _, out _));

        Assert.True(Registry.TryAdd(second, 10, out var replaced, out _));

        Assert.Empty(replaced);
        Assert.Equal(RequestAdmission.Admitted, first.TryBeginRequest(upgrade: false));
        Assert.Same(second, Registry.Resolve("demo")?.Channel);
        Assert.Equal(RequestAdmission.Admitted, second.TryBeginRequest(upgrade: false));
        Assert.Equal(RequestAdmission.Admitted, second.TryBeginRequest(upgrade: false));
        Assert.Same(first, Registry.Resolve("demo")?.Channel);
    }

    [Fact]
    public void Removing_a_pooled_channel_leaves_the_others_serving_the_name()
    {
        var first = _channels.Create(1, ["demo"]);
        var second = _channels.Create(1, ["demo"], pooled: true);
        Assert.True(Registry.TryAdd(first, 10, out _, out _));
        Assert.True(Registry.TryAdd(second, 10, out _, out _));

        Registry.Remove(first);
        Assert.Same(second, Registry.Resolve("demo")?.Channel);
        Assert.Null(Registry.Find(first.Id));

        Registry.Remove(second);
        Registry.Remove(second);
        Assert.Null(Registry.Resolve("demo"));
        Assert.False(Registry.IsServed("demo"));
        Assert.Equal(0, Registry.ChannelCount);
    }

    [Fact]
    public void Live_tunnel_limit_counts_the_users_names_not_their_channels()
    {
        Assert.True(Registry.TryAdd(_channels.Create(1, ["one"]), maxTunnels: 2, out _, out _));
        Assert.True(Registry.TryAdd(_channels.Create(1, ["two"]), maxTunnels: 2, out _, out _));

        var third = _channels.Create(1, ["three"]);
        Assert.False(Registry.TryAdd(third, maxTunnels: 2, out var replaced, out _));
        Assert.Empty(replaced);
        Assert.Equal(ChannelState.Pending, third.State);
        Assert.Null(Registry.Resolve("three"));

        // A name the user serves already does not count twice, whether the new channel replaces or joins.
        Assert.True(Registry.TryAdd(_channels.Create(1, ["one"]), maxTunnels: 2, out _, out _));
        Assert.True(Registry.TryAdd(_channels.Create(1, ["two"], pooled: true), maxTunnels: 2, out _, out _));

        // Other users have their own limit.
        Assert.True(Registry.TryAdd(_channels.Create(2, ["mine"]), maxTunnels: 1, out _, out _));
    }

    [Fact]
    public void One_channel_with_more_names_than_the_limit_is_refused()
    {
        var channel = _channels.Create(1, ["a", "b", "c"]);

        Assert.False(Registry.TryAdd(channel, maxTunnels: 2, out _, out _));
        Assert.Empty(Registry.LiveNames());
    }

    [Fact]
    public async Task Requests_in_flight_are_capped_per_user_across_their_channels()
    {
        await using var channels = InMemoryChannels.Start(maxRequestsPerUser: 2);
        var (web, api, other) = (channels.Create(1, ["web"]), channels.Create(1, ["api"]), channels.Create(2, ["other"]));
        foreach (var channel in new[] { web, api, other })
        {
            Assert.True(channels.Registry.TryAdd(channel, 10, out _, out _));
        }

        Assert.Equal(RequestAdmission.Admitted, web.TryBeginRequest(upgrade: false));
        Assert.Equal(RequestAdmission.Admitted, api.TryBeginRequest(upgrade: true));
        Assert.Equal(RequestAdmission.UserBusy, web.TryBeginRequest(upgrade: false));
        Assert.Equal(RequestAdmission.UserBusy, api.TryBeginRequest(upgrade: false));
        Assert.Equal(RequestAdmission.Admitted, other.TryBeginRequest(upgrade: false));

        web.EndRequest(upgrade: false);
        Assert.Equal(RequestAdmission.Admitted, api.TryBeginRequest(upgrade: false));
    }

    [Fact]
    public void Registration_sees_live_names_and_counts_per_user()
    {
        Assert.True(Registry.TryAdd(_channels.Create(1, ["one", "two"]), 10, out _, out _));
        Assert.True(Registry.TryAdd(_channels.Create(1, ["three"]), 10, out _, out _));
        Assert.True(Registry.TryAdd(_channels.Create(2, ["other"]), 10, out _, out _));

        Assert.Equal(["one", "other", "three", "two"], Registry.LiveNames().Order());
        Assert.Equal(3, Registry.CountLiveNames(1, []));
        Assert.Equal(2, Registry.CountLiveNames(1, ["one"]));
        Assert.Equal(1, Registry.CountLiveNames(2, []));
        Assert.Equal(0, Registry.CountLiveNames(3, []));
    }

    [Fact]
    public async Task Drain_all_closes_every_channel_and_empties_the_registry()
    {
        var channels = new[] { _channels.Create(1, ["one"]), _channels.Create(2, ["two"]) };
        foreach (var channel in channels)
        {
            Assert.True(Registry.TryAdd(channel, 10, out _, out _));
        }

        await Registry.DrainAllAsync("server stopping").WaitAsync(TimeSpan.FromSeconds(10));

        Assert.All(channels, c => Assert.Equal(ChannelState.Closed, c.State));
        Assert.Equal(0, Registry.ChannelCount);
        Assert.Empty(Registry.LiveNames());
    }
}
