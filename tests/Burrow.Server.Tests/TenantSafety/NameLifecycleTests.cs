using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Burrow.Agent;
using Burrow.Protocol.Handshake;
using Burrow.Server.Tests.Channels;
using Burrow.Testing;

namespace Burrow.Server.Tests.TenantSafety;

/// <summary>
/// Issue #10, finding 3 (name squatting): names are claimed only when a channel arrives, a refused registration
/// claims nothing, each user has a name quota, and names nobody uses are released after the retention period.
/// </summary>
public sealed class NameLifecycleTests
{
    [Fact]
    public async Task Refused_registration_claims_none_of_its_names()
    {
        await using var scenario = await TunnelScenario.StartAsync("taken", startAgent: false);
        var host = scenario.Host;
        var bob = host.CreateUser("bob");
        await host.StartAgentAsync(bob.User, bob.Token, "taken", scenario.Local.Port);

        var (status, _) = await RegisterAsync(host, scenario.User, scenario.Token, """{"domains": ["free", "taken"]}""");

        Assert.Equal(HttpStatusCode.Conflict, status);
        Assert.Empty(host.Accounts.ListNames(scenario.User));
        var (freeForBob, _) = await RegisterAsync(host, bob.User, bob.Token, """{"domain": "free"}""");
        Assert.Equal(HttpStatusCode.Created, freeForBob);
    }

    [Fact]
    public async Task Names_of_a_registration_whose_channel_never_comes_are_held_then_free_again()
    {
        var time = new WatchedFakeTimeProvider(DateTimeOffset.UtcNow);
        await using var host = await TunnelTestHost.StartAsync(timeProvider: time);
        var alice = host.CreateUser("alice");
        var bob = host.CreateUser("bob");

        Assert.Equal(HttpStatusCode.Created, (await RegisterAsync(host, alice.User, alice.Token, """{"domain": "draft"}""")).Status);
        Assert.Empty(host.Accounts.ListNames());
        var (held, problem) = await RegisterAsync(host, bob.User, bob.Token, """{"domain": "draft"}""");
        Assert.Equal(HttpStatusCode.Conflict, held);
        Assert.Contains("being registered", problem, StringComparison.Ordinal);

        // The ticket lives 30 s; after that the hold is gone and nothing was ever written.
        time.Advance(TimeSpan.FromSeconds(31));
        Assert.Equal(HttpStatusCode.Created, (await RegisterAsync(host, bob.User, bob.Token, """{"domain": "draft"}""")).Status);
        Assert.Empty(host.Accounts.ListNames(alice.User));
    }

    [Fact]
    public async Task Names_past_the_quota_are_refused_and_names_held_stay_usable()
    {
        await using var scenario = await TunnelScenario.StartAsync("one", s => s.Registration(o => o.MaxNamesPerUser = 2));
        await scenario.StartAgentAsync("two");

        var (refused, problem) = await RegisterAsync(scenario.Host, scenario.User, scenario.Token, """{"domain": "three"}""");
        var (again, _) = await RegisterAsync(scenario.Host, scenario.User, scenario.Token, """{"domain": "one"}""");

        Assert.Equal(HttpStatusCode.Forbidden, refused);
        Assert.Contains("holds 2 of 2 names", problem, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Created, again);

        // A user's own quota overrides the server's.
        scenario.Host.Accounts.AddUser("carol", maxTunnels: 10, maxNames: 3);
        var carol = scenario.Host.Accounts.AddToken("carol", "test").Token;
        foreach (var name in new[] { "c1", "c2", "c3" })
        {
            await scenario.Host.StartAgentAsync("carol", carol, name, scenario.Local.Port);
        }

        Assert.Equal(HttpStatusCode.Forbidden, (await RegisterAsync(scenario.Host, "carol", carol, """{"domain": "c4"}""")).Status);
    }

    [Fact]
    public async Task Channel_whose_names_became_unavailable_meanwhile_is_refused_and_its_agent_told_why()
    {
        await using var scenario = await TunnelScenario.StartAsync("second", s => s.Registration(o => o.MaxNamesPerUser = 1), startAgent: false);
        var host = scenario.Host;

        // Two registrations pass while alice holds no name; the first channel to arrive takes her only slot.
        var first = await RawChannelClient.RegisterAsync(host, scenario.User, scenario.Token, "first");
        await scenario.StartAgentAsync("second");
        Assert.True(ChannelTicket.TryParse(first.Id, first.Key, out var ticket));
        await using var late = await RawChannelClient.ConnectAsync(host);
        await late.SendAsync(RawChannelClient.Hello(ticket!));

        Assert.True(await late.IsClosedByServerAsync());
        await host.Logs.WaitForAsync(ServerEventIds.ChannelNamesUnavailable, "holds 1 of 1 names");
        Assert.Equal(["second"], host.Accounts.ListNames(scenario.User).Select(n => n.Name));
    }

    [Fact]
    public async Task Agent_refused_for_a_name_it_cannot_have_stops_with_the_reason()
    {
        await using var scenario = await TunnelScenario.StartAsync("mine");
        var bob = scenario.Host.CreateUser("bob");
        var agent = RunningAgent.Start(scenario.Host.AgentOptions(bob.User, bob.Token, new TunnelTarget("mine", "127.0.0.1", scenario.Local.Port)));
        await using var _ = agent;

        var failure = await Assert.ThrowsAsync<AgentException>(() => agent.Run.WaitAsync(TimeSpan.FromSeconds(15)));
        Assert.Equal(AgentExitCode.NameRejected, failure.ExitCode);
        Assert.Contains("belongs to another user", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Names_unused_for_the_retention_period_are_released()
    {
        // One clock for everything; keepalive off, so 91 days of silence do not end the live channel.
        var time = new WatchedFakeTimeProvider(DateTimeOffset.UtcNow);
        await using var scenario = await TunnelScenario.StartAsync(
            "stale",
            s => s.Registration(o => o.NameRetentionDays = 90).Channels(o => o.Mux.KeepAliveInterval = Timeout.InfiniteTimeSpan),
            time);
        await scenario.StartAgentAsync("busy");
        await scenario.Agent.StopAsync();
        await scenario.Host.Logs.WaitForAsync(ServerEventIds.ChannelRemoved, "stale");
        await time.WaitForArmedTimersAsync(TimeSpan.FromHours(1), 1);

        // The hourly sweep runs: "busy" is still served, so it counts as used whatever the clock says; "stale" is not.
        time.Advance(TimeSpan.FromDays(91));

        await scenario.Host.Logs.WaitForAsync(ServerEventIds.NamesReleased, "stale");
        Assert.Equal(["busy"], scenario.Host.Accounts.ListNames().Select(n => n.Name));
    }

    private static async Task<(HttpStatusCode Status, string Detail)> RegisterAsync(TunnelTestHost host, string user, string token, string namesJson)
    {
        var body = JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(namesJson)!;
        body["username"] = JsonSerializer.SerializeToElement(user);
        using var request = new HttpRequestMessage(HttpMethod.Post, host.ApiUri) { Content = JsonContent.Create(body) };
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        using var response = await host.PublicClient.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        var detail = response.IsSuccessStatusCode ? string.Empty : JsonDocument.Parse(text).RootElement.GetProperty("detail").GetString()!;
        return (response.StatusCode, detail);
    }
}
