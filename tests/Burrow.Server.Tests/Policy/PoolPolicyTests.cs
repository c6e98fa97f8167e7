using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Burrow.Agent;
using Burrow.Protocol.Registration;
using Burrow.Server.Channels;
using Burrow.Server.Policy;
using Burrow.Server.Tests.Channels;
using Burrow.Testing;
using Microsoft.Extensions.Options;

namespace Burrow.Server.Tests.Policy;

/// <summary>
/// Several agents serving one name (<c>--pool</c>) must agree on its visitor policy: a visitor gets the same answer
/// whichever agent the edge picks. An agent that joins with another policy (other users, another password, none at
/// all) is refused with a sentence, at registration and, for registrations that raced to an empty pool, when its
/// channel arrives; the pool keeps serving under its policy. Without <c>--pool</c> a new agent replaces the old ones,
/// policy and all.
/// </summary>
public sealed class PoolPolicyTests
{
    private static readonly VisitorPolicy Guarded = new(BasicAuth: [new("ann", "s3cret")], AllowIps: ["127.0.0.0/8"]);

    [Fact]
    public async Task Pooled_agents_with_the_same_policy_serve_together_and_each_enforces_it()
    {
        await using var tunnel = await PolicyTunnel.StartAsync("shared", Guarded);
        // The same rules in another order are the same policy.
        var second = await tunnel.Scenario.Host.StartAgentAsync(Pooled(tunnel.Scenario, new(AllowIps: ["127.0.0.0/8"], BasicAuth: [new("ann", "s3cret")])));
        var first = tunnel.Agent;

        Assert.Equal(401, (await tunnel.SendAsync("/echo")).Status);
        Assert.Equal(200, (await tunnel.SendAsync("/echo", PolicyTunnel.Basic("ann", "s3cret"))).Status);

        // The first agent leaves; the one left enforces the same policy on its own.
        await first.StopAsync();
        await tunnel.Scenario.Host.Logs.WaitForAsync(ServerEventIds.ChannelRemoved, "shared");
        Assert.Equal(401, (await tunnel.SendAsync("/echo")).Status);
        Assert.Equal(200, (await tunnel.SendAsync("/echo", PolicyTunnel.Basic("ann", "s3cret"))).Status);
        Assert.False(second.Run.IsCompleted);
    }

    public static TheoryData<VisitorPolicy?> Different => new()
    {
        { new VisitorPolicy(BasicAuth: [new("ann", "another")], AllowIps: ["127.0.0.0/8"]) },
        { new VisitorPolicy(BasicAuth: [new("ann", "s3cret"), new("bob", "pw")], AllowIps: ["127.0.0.0/8"]) },
        { new VisitorPolicy(BasicAuth: [new("ann", "s3cret")]) },
        { new VisitorPolicy(BasicAuth: [new("ann", "s3cret")], AllowIps: ["127.0.0.0/8"], ResponseHeaders: new(Add: [new("X-Frame-Options", "DENY")])) },
        { null },
    };

    [Theory]
    [MemberData(nameof(Different))]
    public async Task A_pooled_agent_with_another_policy_is_refused_and_the_pool_keeps_its_own(VisitorPolicy? other)
    {
        await using var tunnel = await PolicyTunnel.StartAsync("shared", Guarded);
        await using var intruder = RunningAgent.Start(Pooled(tunnel.Scenario, other));

        var error = await Assert.ThrowsAsync<AgentException>(() => intruder.Run.WaitAsync(TimeSpan.FromSeconds(30)));

        Assert.Equal(AgentExitCode.NameRejected, error.ExitCode);
        Assert.Contains("The agents serving 'shared' as a pool sent another visitor policy", error.Message, StringComparison.Ordinal);
        Assert.Equal(401, (await tunnel.SendAsync("/echo")).Status);
        Assert.Equal(200, (await tunnel.SendAsync("/echo", PolicyTunnel.Basic("ann", "s3cret"))).Status);
        Assert.False(tunnel.Agent.Run.IsCompleted);
    }

    [Fact]
    public async Task The_registration_api_answers_409_with_a_sentence()
    {
        await using var tunnel = await PolicyTunnel.StartAsync("shared", Guarded);
        var body = new RegistrationRequest(tunnel.Scenario.User, "shared", Pool: true, Policies: [new(AllowIps: ["0.0.0.0/0"])]);
        using var request = new HttpRequestMessage(HttpMethod.Post, tunnel.Scenario.Host.ApiUri) { Content = JsonContent.Create(body, RegistrationJsonContext.Default.RegistrationRequest) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", tunnel.Scenario.Token);

        using var response = await tunnel.Scenario.PublicClient.SendAsync(request);

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        var text = await response.Content.ReadAsStringAsync();
        Assert.Contains("Pool policy differs", text, StringComparison.Ordinal);
        Assert.Contains("every agent of a pool must send the same --basic-auth, --allow-ip, --deny-ip, --oidc and header rules", text, StringComparison.Ordinal);
        Assert.DoesNotContain("s3cret", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_pool_an_agent_with_another_policy_takes_the_name_and_its_policy_applies()
    {
        await using var tunnel = await PolicyTunnel.StartAsync("mine", Guarded);

        await tunnel.Scenario.Host.StartAgentAsync(PolicyTunnel.WithPolicy(tunnel.Scenario.AgentOptions(), new(BasicAuth: [new("bob", "other")])));
        await Assert.ThrowsAsync<AgentException>(() => tunnel.Agent.Run.WaitAsync(TimeSpan.FromSeconds(15)));

        Assert.Equal(401, (await tunnel.SendAsync("/echo", PolicyTunnel.Basic("ann", "s3cret"))).Status);
        Assert.Equal(200, (await tunnel.SendAsync("/echo", PolicyTunnel.Basic("bob", "other"))).Status);
    }

    [Fact]
    public async Task Of_two_registrations_racing_to_an_empty_pool_the_channel_with_another_policy_is_refused_when_it_arrives()
    {
        await using var channels = InMemoryChannels.Start();
        var compiler = new PolicyCompiler(Options.Create(new PolicyOptions()));
        TunnelPolicy Compile(VisitorPolicy policy) => compiler.Compile([policy], ["race"], n => $"{n}.example.com").Policies["race"];
        var first = channels.Create(1, ["race"], pooled: true, new Dictionary<string, TunnelPolicy> { ["race"] = Compile(Guarded) });
        var same = channels.Create(1, ["race"], pooled: true, new Dictionary<string, TunnelPolicy> { ["race"] = Compile(Guarded) });
        var other = channels.Create(1, ["race"], pooled: true, new Dictionary<string, TunnelPolicy> { ["race"] = Compile(Guarded with { AllowIps = ["10.0.0.0/8"] }) });
        var open = channels.Create(1, ["race"], pooled: true);

        Assert.True(channels.Registry.TryAdd(first, 10, out _, out var none));
        Assert.True(channels.Registry.TryAdd(same, 10, out _, out _));
        Assert.False(channels.Registry.TryAdd(other, 10, out var replaced, out var conflict));
        Assert.False(channels.Registry.TryAdd(open, 10, out _, out var openConflict));

        Assert.Null(none);
        Assert.Equal("race", conflict);
        Assert.Equal("race", openConflict);
        Assert.Empty(replaced);
        Assert.Equal(ChannelState.Pending, other.State);
        Assert.Equal([first, same], channels.Registry.Channels.OrderBy(c => c.Id));
    }

    private static AgentOptions Pooled(TunnelScenario scenario, VisitorPolicy? policy)
    {
        var options = PolicyTunnel.WithPolicy(scenario.AgentOptions(), policy);
        options.Pool = true;
        return options;
    }
}
