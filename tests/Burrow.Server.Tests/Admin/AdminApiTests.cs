using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Burrow.Agent;
using Burrow.Testing;

namespace Burrow.Server.Tests.Admin;

/// <summary>The admin API on a real server's admin listener, with a real agent connected.</summary>
public sealed class AdminApiTests : IAsyncLifetime
{
    private TunnelScenario _scenario = null!;
    private AdminClient _admin = null!;

    public async Task InitializeAsync()
    {
        _scenario = await TunnelScenario.StartAsync("demo");
        _admin = AdminClient.For(_scenario.Host);
    }

    public async Task DisposeAsync()
    {
        _admin.Dispose();
        await _scenario.DisposeAsync();
    }

    [Fact]
    public async Task No_token_is_401_a_user_token_is_403_and_metrics_need_none()
    {
        using var anonymous = new HttpClient { BaseAddress = _scenario.Host.Server.AdminUrl };
        using (var none = await anonymous.GetAsync("/api/users"))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, none.StatusCode);
            Assert.Equal("Bearer", none.Headers.WwwAuthenticate.Single().Scheme);
            Assert.Equal("application/problem+json", none.Content.Headers.ContentType?.MediaType);
        }

        using (var wrong = new HttpRequestMessage(HttpMethod.Get, "/api/users"))
        {
            wrong.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "brwa_" + new string('A', 43));
            using var response = await anonymous.SendAsync(wrong);
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        }

        using (var user = new HttpRequestMessage(HttpMethod.Get, "/api/users"))
        {
            user.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _scenario.Token);
            using var response = await anonymous.SendAsync(user);
            Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        }

        using var metrics = await anonymous.GetAsync("/metrics");
        Assert.Equal(HttpStatusCode.OK, metrics.StatusCode);
        using var ok = await _admin.Http.GetAsync("/api/users");
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
    }

    [Fact]
    public async Task Users_are_created_listed_and_removed()
    {
        using var created = await _admin.Http.PostAsJsonAsync("/api/users", new { name = "bob", maxTunnels = 3 });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var body = await created.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("bob", body.GetProperty("user").GetString());
        Assert.StartsWith("brw_", body.GetProperty("token").GetString(), StringComparison.Ordinal);

        using (var again = await _admin.Http.PostAsJsonAsync("/api/users", new { name = "bob" }))
        {
            Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        }

        using (var invalid = await _admin.Http.PostAsJsonAsync("/api/users", new { name = "Not Valid!" }))
        {
            Assert.Equal(HttpStatusCode.BadRequest, invalid.StatusCode);
        }

        using var notJson = new StringContent("{not json", System.Text.Encoding.UTF8, "application/json");
        using (var malformed = await _admin.Http.PostAsync("/api/users", notJson))
        {
            Assert.Equal(HttpStatusCode.BadRequest, malformed.StatusCode);
        }

        var users = await _admin.GetJsonAsync("/api/users");
        var bob = users.EnumerateArray().Single(u => u.GetProperty("name").GetString() == "bob");
        Assert.Equal(3, bob.GetProperty("maxTunnels").GetInt32());
        Assert.Equal(1, bob.GetProperty("tokens").GetInt32());
        Assert.Contains(users.EnumerateArray(), u => u.GetProperty("name").GetString() == "alice");

        using (var removed = await _admin.Http.DeleteAsync("/api/users/bob"))
        {
            Assert.Equal(HttpStatusCode.NoContent, removed.StatusCode);
        }

        using var gone = await _admin.Http.DeleteAsync("/api/users/bob");
        Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
    }

    [Fact]
    public async Task Tokens_are_created_listed_and_revoking_one_closes_its_tunnel()
    {
        using var created = await _admin.Http.PostAsJsonAsync("/api/users/alice/tokens", new { label = "laptop" });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var token = await created.Content.ReadFromJsonAsync<JsonElement>();
        var fresh = token.GetProperty("token").GetString()!;

        var tokens = await _admin.GetJsonAsync("/api/users/alice/tokens");
        Assert.Equal(2, tokens.GetArrayLength());
        Assert.Contains(tokens.EnumerateArray(), t => t.GetProperty("label").GetString() == "laptop");
        Assert.DoesNotContain(fresh, tokens.GetRawText(), StringComparison.Ordinal);

        // Revoke the token the scenario's agent registered with: its channel closes now, and the agent stops.
        var original = tokens.EnumerateArray().Single(t => t.GetProperty("label").GetString() == "default").GetProperty("id").GetInt64();
        using (var revoked = await _admin.Http.DeleteAsync($"/api/users/alice/tokens/{original}"))
        {
            Assert.Equal(HttpStatusCode.NoContent, revoked.StatusCode);
        }

        var stopped = await Assert.ThrowsAsync<AgentException>(() => _scenario.Agent.Run.WaitAsync(TimeSpan.FromSeconds(15)));
        Assert.Equal(AgentExitCode.AuthFailed, stopped.ExitCode);
        Assert.Empty((await _admin.GetJsonAsync("/api/channels")).EnumerateArray());

        using var again = await _admin.Http.DeleteAsync($"/api/users/alice/tokens/{original}");
        Assert.Equal(HttpStatusCode.NotFound, again.StatusCode);
        using var unknownUser = await _admin.Http.GetAsync("/api/users/nobody/tokens");
        Assert.Equal(HttpStatusCode.NotFound, unknownUser.StatusCode);
    }

    [Fact]
    public async Task Names_are_listed_with_their_state_and_released()
    {
        var names = await _admin.GetJsonAsync("/api/names");
        var demo = names.EnumerateArray().Single(n => n.GetProperty("name").GetString() == "demo");
        Assert.Equal("alice", demo.GetProperty("user").GetString());
        Assert.True(demo.GetProperty("online").GetBoolean());
        Assert.Single((await _admin.GetJsonAsync("/api/names?user=alice")).EnumerateArray());
        Assert.Empty((await _admin.GetJsonAsync("/api/names?user=bob")).EnumerateArray());

        using (var released = await _admin.Http.DeleteAsync("/api/names/demo"))
        {
            Assert.Equal(HttpStatusCode.NoContent, released.StatusCode);
        }

        Assert.Empty((await _admin.GetJsonAsync("/api/names")).EnumerateArray());
        using var again = await _admin.Http.DeleteAsync("/api/names/demo");
        Assert.Equal(HttpStatusCode.NotFound, again.StatusCode);
    }

    [Fact]
    public async Task Live_channels_show_who_what_where_and_how_much_and_delete_disconnects_with_goaway()
    {
        using (var response = await _scenario.PublicClient.GetAsync(_scenario.PublicUri("/download?size=100000")))
        {
            response.EnsureSuccessStatusCode();
        }

        var channels = await _admin.GetJsonAsync("/api/channels");
        var channel = channels.EnumerateArray().Single();
        Assert.Equal("alice", channel.GetProperty("user").GetString());
        Assert.Equal(["demo"], channel.GetProperty("names").EnumerateArray().Select(n => n.GetString()));
        Assert.StartsWith("127.0.0.1:", channel.GetProperty("remote").GetString(), StringComparison.Ordinal);
        Assert.Equal("live", channel.GetProperty("state").GetString());
        Assert.True(channel.GetProperty("connectedAt").GetDateTimeOffset() <= DateTimeOffset.UtcNow);
        Assert.True(channel.GetProperty("bytesReceived").GetInt64() > 100_000, "the download came over the channel");
        Assert.True(channel.GetProperty("bytesSent").GetInt64() > 0);
        Assert.True(channel.GetProperty("streams").GetInt32() >= 0);
        Assert.True(channel.GetProperty("rttMs").GetDouble() > 0);
        Assert.StartsWith("burrow-agent/", channel.GetProperty("agentVersion").GetString(), StringComparison.Ordinal);
        Assert.Equal("open", channel.GetProperty("policies").GetProperty("demo").GetString());

        var id = channel.GetProperty("id").GetInt64();
        _scenario.Agent.Observer.ExpectReconnect();
        using (var disconnected = await _admin.Http.DeleteAsync($"/api/channels/{id}"))
        {
            Assert.Equal(HttpStatusCode.NoContent, disconnected.StatusCode);
        }

        // The agent was told (GOAWAY) and its channel closed: it reconnects on a new one, as after any loss.
        Assert.Null(Microsoft.Extensions.DependencyInjection.ServiceProviderServiceExtensions.GetRequiredService<Burrow.Server.Channels.TunnelRegistry>(_scenario.Host.Server.Services).Find(id));
        await _scenario.Agent.Observer.Online.WaitAsync(TimeSpan.FromSeconds(15));
        Assert.Contains(_scenario.Agent.Observer.Events, e => e.StartsWith("reconnecting", StringComparison.Ordinal));
        var after = (await _admin.GetJsonAsync("/api/channels")).EnumerateArray().Single();
        Assert.NotEqual(id, after.GetProperty("id").GetInt64());

        using var unknown = await _admin.Http.DeleteAsync("/api/channels/999999");
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        using var notAnId = await _admin.Http.DeleteAsync("/api/channels/abc");
        Assert.Equal(HttpStatusCode.NotFound, notAnId.StatusCode);
    }

    [Fact]
    public async Task Unknown_paths_and_methods_get_a_clear_answer()
    {
        using var missing = await _admin.Http.GetAsync("/api/nothing");
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        using var empty = new StringContent("{}");
        using var method = await _admin.Http.PutAsync("/api/users", empty);
        Assert.Equal(HttpStatusCode.MethodNotAllowed, method.StatusCode);
        var tunnels = await _admin.GetJsonAsync("/api/tunnels");
        Assert.True(tunnels.EnumerateArray().Single(t => t.GetProperty("name").GetString() == "demo").GetProperty("online").GetBoolean());
    }
}
