using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Burrow.Testing;

namespace Burrow.Server.Tests.Edge;

/// <summary>POST /api/tunnels: every refusal has its status and an RFC 9457 problem body.</summary>
public sealed class RegistrationTests : IAsyncLifetime
{
    private TunnelTestHost _host = null!;
    private string _aliceToken = null!;
    private string _bobToken = null!;

    public async Task InitializeAsync()
    {
        _host = await TunnelTestHost.StartAsync();
        _aliceToken = _host.CreateUser("alice").Token;
        _bobToken = _host.CreateUser("bob").Token;
    }

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task Valid_registration_returns_201_with_port_id_key_and_url()
    {
        var (status, json) = await RegisterAsync(_aliceToken, """{"username": "alice", "domain": "demo.localhost"}""");

        Assert.Equal(HttpStatusCode.Created, status);
        Assert.Equal(_host.Server.ChannelPort, json.GetProperty("port").GetInt32());
        Assert.Equal(22, json.GetProperty("id").GetString()!.Length);
        Assert.Equal(43, json.GetProperty("key").GetString()!.Length);
        Assert.Equal($"http://demo.localhost:{_host.Server.HttpPort}", json.GetProperty("url").GetString());
    }

    [Fact]
    public async Task Each_registration_gets_a_fresh_id_and_key()
    {
        var (_, first) = await RegisterAsync(_aliceToken, """{"username": "alice", "domain": "demo"}""");
        var (_, second) = await RegisterAsync(_aliceToken, """{"username": "alice", "domain": "demo"}""");

        Assert.NotEqual(first.GetProperty("id").GetString(), second.GetProperty("id").GetString());
        Assert.NotEqual(first.GetProperty("key").GetString(), second.GetProperty("key").GetString());
    }

    [Fact]
    public async Task Bad_token_gets_401()
    {
        var (status, json) = await RegisterAsync("brw_not-a-real-token", """{"username": "alice", "domain": "demo.localhost"}""");
        Assert.Equal(HttpStatusCode.Unauthorized, status);
        Assert.Equal("The user name and token do not match an active account.", json.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task Missing_token_gets_401()
    {
        var (status, _) = await RegisterAsync(null, """{"username": "alice", "domain": "demo.localhost"}""");
        Assert.Equal(HttpStatusCode.Unauthorized, status);
    }

    [Fact]
    public async Task Unknown_user_and_wrong_user_get_the_same_401()
    {
        var (unknownStatus, unknown) = await RegisterAsync(_aliceToken, """{"username": "mallory", "domain": "demo.localhost"}""");
        var (wrongStatus, wrong) = await RegisterAsync(_aliceToken, """{"username": "bob", "domain": "demo.localhost"}""");

        Assert.Equal(HttpStatusCode.Unauthorized, unknownStatus);
        Assert.Equal(HttpStatusCode.Unauthorized, wrongStatus);
        Assert.Equal(unknown.GetProperty("detail").GetString(), wrong.GetProperty("detail").GetString());
    }

    [Theory]
    [InlineData("{not json")]
    [InlineData("[1, 2, 3]")]
    [InlineData("""{"username": 42}""")]
    [InlineData("""{"domain": "demo.localhost"}""")]
    public async Task Malformed_body_gets_400(string body)
    {
        var (status, json) = await RegisterAsync(_aliceToken, body);
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.False(string.IsNullOrEmpty(json.GetProperty("detail").GetString()));
    }

    [Theory]
    [InlineData("-demo.localhost")]
    [InlineData("de_mo.localhost")]
    [InlineData("a.b.localhost")]
    [InlineData("demo.example.com")]
    [InlineData("")]
    [InlineData("this-label-is-far-too-long-to-be-a-dns-label-because-it-has-more-than-63-chars")]
    public async Task Invalid_name_gets_400(string domain)
    {
        var (status, json) = await RegisterAsync(_aliceToken, JsonSerializer.Serialize(new { username = "alice", domain }));
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("is not a valid name under localhost", json.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Name_held_by_another_users_registration_gets_409()
    {
        Assert.Equal(HttpStatusCode.Created, (await RegisterAsync(_aliceToken, """{"username": "alice", "domain": "taken"}""")).Status);
        var (status, json) = await RegisterAsync(_bobToken, """{"username": "bob", "domain": "taken.localhost"}""");

        Assert.Equal(HttpStatusCode.Conflict, status);
        Assert.Equal("The name 'taken' is being registered by another user.", json.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task Reserved_name_is_refused()
    {
        var (status, json) = await RegisterAsync(_aliceToken, """{"username": "alice", "domain": "www.localhost"}""");
        Assert.Equal(HttpStatusCode.Forbidden, status);
        Assert.Contains("reserved", json.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_a_name_the_server_picks_a_readable_free_one()
    {
        var (status, json) = await RegisterAsync(_aliceToken, """{"username": "alice"}""");
        var name = json.GetProperty("names")[0].GetString()!;

        Assert.Equal(HttpStatusCode.Created, status);
        Assert.Matches("^[a-z]+-[a-z]+-[0-9]{4}$", name);
    }

    [Fact]
    public async Task Errors_are_problem_json()
    {
        using var request = Request(null, "{}");
        using var response = await _host.PublicClient.SendAsync(request);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("Bearer", response.Headers.WwwAuthenticate.Single().Scheme);
    }

    private HttpRequestMessage Request(string? token, string body)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, _host.ApiUri) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        return request;
    }

    private async Task<(HttpStatusCode Status, JsonElement Json)> RegisterAsync(string? token, string body)
    {
        using var request = Request(token, body);
        using var response = await _host.PublicClient.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, JsonDocument.Parse(text).RootElement.Clone());
    }
}
