using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Burrow.Agent;
using Burrow.Protocol.Registration;
using Burrow.Testing;

namespace Burrow.Server.Tests.Policy;

/// <summary>What the server refuses at registration, with a sentence, and what it confirms.</summary>
public sealed class PolicyRegistrationTests : IAsyncLifetime
{
    private TunnelTestHost _host = null!;
    private string _token = null!;

    public async Task InitializeAsync()
    {
        _host = await TunnelTestHost.StartAsync(s => s
            .Registration(o => o.RegistrationsPerUserPerMinute = 1000)
            .Registration(o => o.RegistrationsPerMinute = 1000)
            .Policy(o =>
            {
                o.MaxPolicyRules = 5;
                o.MaxBasicAuthUsers = 2;
                o.OidcProviders.Add(new() { Name = "corp", Issuer = "http://127.0.0.1:9/", ClientId = "burrow", ClientSecret = "secret" });
            }));
        _token = _host.CreateUser("alice").Token;
    }

    public async Task DisposeAsync() => await _host.DisposeAsync();

    public static TheoryData<VisitorPolicy, string> Invalid => new()
    {
        { new(AllowIps: ["10.0.0.0/33"]), "'10.0.0.0/33' is not a network in CIDR notation" },
        { new(DenyIps: ["10.1.2.3/8"]), "host bits must be zero" },
        { new(AllowIps: ["fe80::/zz"]), "'fe80::/zz' is not a network" },
        { new(BasicAuth: [new("ann", "")]), "the password of basic-auth user 'ann' is empty." },
        { new(BasicAuth: [new("a:b", "pw")]), "must be 1-64 characters without ':'" },
        { new(BasicAuth: [new("ann", "x"), new("ann", "y")]), "basic-auth user 'ann' is given twice." },
        { new(Oidc: new OidcRule("google")), "this server has no single sign-on provider 'google' (it offers corp)." },
        { new(Oidc: new OidcRule("corp", AllowDomains: ["not a domain"])), "'not a domain' is not a domain" },
        { new(BasicAuth: [new("ann", "x")], Oidc: new OidcRule("corp")), "--basic-auth and --oidc cannot be combined" },
        { new(RequestHeaders: new(Add: [new("X-Forwarded-For", "1.2.3.4")])), "the edge manages 'X-Forwarded-For' itself" },
        { new(RequestHeaders: new(Remove: ["X-Burrow-User-Email"])), "the edge manages 'X-Burrow-User-Email' itself" },
        { new(RequestHeaders: new(Add: [new("Host", "evil")])), "(use --host-header)" },
        { new(ResponseHeaders: new(Add: [new("Set-Cookie", "s=1; Domain=localhost")])), "the edge manages 'Set-Cookie' itself" },
        { new(RequestHeaders: new(Add: [new("Bad Name", "1")])), "'Bad Name' is not a header name." },
        { new(RequestHeaders: new(Add: [new("X-A", "line\r\nX-Injected: 1")])), "must be at most 4096 visible characters" },
        { new(HostHeader: "localhost:3000/path"), "is not a Host value" },
        { new(AllowIps: ["10.0.0.0/8", "10.1.0.0/16", "10.2.0.0/16", "10.3.0.0/16", "10.4.0.0/16", "10.5.0.0/16"]), "it has 6 rules; this server allows 5 per tunnel." },
        { new(AllowIps: [""]), "'' is not a network in CIDR notation" },
        { new(BasicAuth: [new("ann", null)]), "the password of basic-auth user 'ann' is empty." },
        { new(BasicAuth: [new("", "pw")]), "basic-auth user '' must be 1-64 characters without ':'" },
        { new(BasicAuth: [new(null, "pw")]), "must be 1-64 characters without ':'" },
        { new(BasicAuth: [new(new string('a', 65), "pw")]), "must be 1-64 characters without ':'" },
        { new(BasicAuth: [new("ann\r\nX-Injected: 1", "pw")]), "must be 1-64 characters without ':'" },
        { new(BasicAuth: [new("ann", "pw\u0000")]), "the password of basic-auth user 'ann' must be at most 256 characters without control characters." },
        { new(BasicAuth: [new("ann", new string('p', 257))]), "must be at most 256 characters" },
        { new(BasicAuth: [new("ann", "1"), new("bob", "2"), new("cy", "3")]), "it has 3 basic-auth users; this server allows 2 per tunnel." },
        { new(Oidc: new OidcRule(null)), "this server has no single sign-on provider '' (it offers corp)." },
        { new(Oidc: new OidcRule("corp", AllowEmails: ["ann @example.com"])), "'ann @example.com' is not an e-mail pattern" },
        { new(Oidc: new OidcRule("corp", AllowEmails: [""])), "'' is not an e-mail pattern" },
        { new(ResponseHeaders: new(Remove: ["Bad:Name"])), "--response-header: 'Bad:Name' is not a header name." },
        { new(RequestHeaders: new(Remove: ["Transfer-Encoding"])), "--request-header: the edge manages 'Transfer-Encoding' itself" },
        { new(RequestHeaders: new(Add: [new("X_Burrow_User_Name", "admin")])), "the edge manages 'X_Burrow_User_Name' itself" },
        { new(RequestHeaders: new(Add: [new("X-A", null)])), "the value of 'X-A' must be at most 4096 visible characters" },
        { new(HostHeader: ""), "is not a Host value" },

        // JSON lists holding null (a 500 from a NullReferenceException before).
        { new(BasicAuth: [null!]), "a list in it holds null." },
        { new(AllowIps: [null!]), "a list in it holds null." },
        { new(Oidc: new OidcRule("corp", AllowDomains: [null!])), "a list in it holds null." },
        { new(RequestHeaders: new(Add: [null!])), "a list in it holds null." },
        { new(ResponseHeaders: new(Remove: [null!])), "a list in it holds null." },
    };

    [Theory]
    [MemberData(nameof(Invalid))]
    public async Task A_malformed_policy_gets_400_with_a_sentence(VisitorPolicy policy, string expected)
    {
        var (status, json) = await RegisterAsync(new RegistrationRequest("alice", "demo", Policies: [policy]));

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("Invalid visitor policy", json.GetProperty("title").GetString());
        Assert.Contains(expected, json.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.StartsWith("The visitor policy of 'demo' is invalid: ", json.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Oidc_on_a_server_without_providers_gets_400_saying_it_has_none()
    {
        await using var host = await TunnelTestHost.StartAsync();
        var token = host.CreateUser("alice").Token;

        var (status, json) = await RegisterAsync(host, token, new RegistrationRequest("alice", "sso", Policies: [new(Oidc: new OidcRule("google"))]));

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.EndsWith("this server has no single sign-on provider 'google' (it has none configured).", json.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_policy_of_the_wrong_json_shape_gets_400_with_a_sentence()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, _host.ApiUri)
        {
            Content = new StringContent("""{"username":"alice","domain":"demo","policies":[{"allowIps":"10.0.0.0/8"}]}""", System.Text.Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _token);

        using var response = await _host.PublicClient.SendAsync(request);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal("Malformed request", json.GetProperty("title").GetString());
        Assert.Contains("allowIps", json.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task More_policies_than_names_get_400()
    {
        var (status, json) = await RegisterAsync(new RegistrationRequest("alice", "demo", Policies: [null, null]));

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("2 policies for 1 names", json.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_answer_describes_each_names_policy_without_secrets()
    {
        var request = new RegistrationRequest("alice", null, ["web", "backend"], Policies: [new(BasicAuth: [new("ann", "s3cret")], AllowIps: ["127.0.0.0/8"]), null]);

        var (status, json) = await RegisterAsync(request);

        Assert.True(status == HttpStatusCode.Created, json.GetRawText());
        var policies = json.GetProperty("policies").EnumerateArray().Select(p => p.GetString()).ToList();
        Assert.Equal(["basic auth (ann); allow 127.0.0.0/8", VisitorPolicyText.Open], policies);
        Assert.DoesNotContain("s3cret", json.GetRawText(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_policy_for_a_random_name_applies_to_it()
    {
        var (status, json) = await RegisterAsync(new RegistrationRequest("alice", null, Policies: [new(AllowIps: ["192.0.2.0/24"])]));

        Assert.Equal(HttpStatusCode.Created, status);
        Assert.Equal("allow 192.0.2.0/24", json.GetProperty("policies")[0].GetString());
    }

    [Fact]
    public async Task An_agent_with_a_refused_policy_stops_with_the_servers_sentence()
    {
        var options = _host.AgentOptions("alice", _token, new TunnelTarget("demo", "127.0.0.1", 9, Policy: new VisitorPolicy(AllowIps: ["not-a-network"])));
        await using var agent = RunningAgent.Start(options);

        var error = await Assert.ThrowsAsync<AgentException>(() => agent.Run);

        Assert.Equal(AgentExitCode.NameRejected, error.ExitCode);
        Assert.Contains("'not-a-network' is not a network in CIDR notation", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Require_policy_refuses_tunnels_open_to_everyone()
    {
        await using var host = await TunnelTestHost.StartAsync(s => s.Policy(o => o.RequirePolicy = true));
        var token = host.CreateUser("alice").Token;

        var (open, openJson) = await RegisterAsync(host, token, new RegistrationRequest("alice", "open"));
        var (headersOnly, _) = await RegisterAsync(host, token, new RegistrationRequest("alice", "hdr", Policies: [new(DenyIps: ["192.0.2.0/24"], HostHeader: "localhost:3000")]));
        var (guarded, _) = await RegisterAsync(host, token, new RegistrationRequest("alice", "guarded", Policies: [new(AllowIps: ["127.0.0.0/8"])]));

        Assert.Equal(HttpStatusCode.Forbidden, open);
        Assert.Equal("This server serves no tunnel open to everyone: give 'open' --basic-auth, --allow-ip or --oidc.", openJson.GetProperty("detail").GetString());
        Assert.Equal(HttpStatusCode.Forbidden, headersOnly);
        Assert.Equal(HttpStatusCode.Created, guarded);
    }

    private Task<(HttpStatusCode Status, JsonElement Json)> RegisterAsync(RegistrationRequest request) => RegisterAsync(_host, _token, request);

    private static async Task<(HttpStatusCode Status, JsonElement Json)> RegisterAsync(TunnelTestHost host, string token, RegistrationRequest body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, host.ApiUri) { Content = JsonContent.Create(body, RegistrationJsonContext.Default.RegistrationRequest) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await host.PublicClient.SendAsync(request);
        return (response.StatusCode, JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone());
    }
}
