using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Burrow.Agent;
using Burrow.Commands;
using Burrow.Testing;

namespace Burrow.Tests;

/// <summary>The visitor-policy flags and config keys of the <c>burrow</c> command.</summary>
public sealed class PolicyCommandLineTests : IDisposable
{
    private readonly TempDataDirectory _temp = new(create: true);

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task Burrow_http_with_basic_auth_and_allow_ip_answers_401_then_200_and_403_outside_the_list()
    {
        var data = Path.Combine(_temp.Path, "data");
        var (_, output) = await BurrowProcess.RunAsync(["user", "add", "alice", "--data", data]);
        var token = output.Split('\n').First(l => l.StartsWith("brw_", StringComparison.Ordinal));
        var (httpPort, channelPort) = (TestPorts.Free(), TestPorts.Free());
        await using var server = BurrowProcess.Start(["server", "--listen", "127.0.0.1", "--http-port", $"{httpPort}", "--channel-port", $"{channelPort}", "--data", data, "--trust-proxy", "127.0.0.0/8"]);
        await server.WaitForLineAsync(l => l.StartsWith("burrow server:", StringComparison.Ordinal));
        await using var local = await LocalTestServer.StartAsync();
        var users = Path.Combine(_temp.Path, "users");
        await File.WriteAllTextAsync(users, "# kept out of the process list\n\nbob:hunter2\n");
        await using var agent = BurrowProcess.Start([
            "http", $"{local.Port}", "--host", "127.0.0.1", "--name", "demo", "--basic-auth", "ann:s3cret", "--basic-auth-file", users, "--allow-ip", "127.0.0.0/8",
            "--server", $"http://localhost:{httpPort}", "--user", "alice", "--token", token, "--log-format", "text",
        ]);
        var visitors = await agent.WaitForLineAsync(l => l.Contains("visitors:", StringComparison.Ordinal));
        Assert.EndsWith($"visitors: http://demo.localhost:{httpPort}: basic auth (ann, bob); allow 127.0.0.0/8", visitors, StringComparison.Ordinal);

        using var client = CommandLineTests.PublicClient(httpPort);
        var url = $"http://demo.localhost:{httpPort}/id/1";
        Assert.Equal(HttpStatusCode.Unauthorized, await StatusAsync(client, url));
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(client, url, ("Authorization", Basic("ann:s3cret"))));
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(client, url, ("Authorization", Basic("bob:hunter2"))));
        Assert.Equal(HttpStatusCode.Forbidden, await StatusAsync(client, url, ("Authorization", Basic("ann:s3cret")), ("X-Forwarded-For", "203.0.113.10")));
    }

    [Theory]
    [InlineData("--basic-auth", "s3cret", "--basic-auth must be USER:PASSWORD with neither empty (the value given is not shown")]
    [InlineData("--basic-auth", ":s3cret", "--basic-auth must be USER:PASSWORD")]
    [InlineData("--basic-auth", "ann:", "--basic-auth 'ann:' must be USER:PASSWORD")]
    [InlineData("--basic-auth-file", "/nonexistent/users", "cannot read --basic-auth-file")]
    [InlineData("--request-header-add", "X-No-Colon", "--request-header-add 'X-No-Colon' must be 'Name: value'")]
    [InlineData("--oidc-allow-email", "*@example.com", "need --oidc PROVIDER")]
    public async Task A_flag_that_does_not_parse_fails_with_exit_code_2_and_says_why(string flag, string value, string message)
    {
        var (code, output) = await BurrowProcess.RunAsync(["http", "3000", flag, value, "--server", "http://127.0.0.1:9", "--user", "a", "--token", "t", "--log-format", "text"]);

        Assert.Equal(2, code);
        Assert.Contains(message, output, StringComparison.Ordinal);
        Assert.DoesNotContain("s3cret", output, StringComparison.Ordinal);
    }

    [Fact]
    public void Host_header_rewrite_sends_the_local_address_and_preserve_sends_nothing()
    {
        Assert.Equal("localhost:3000", Input(hostHeader: "rewrite").ToPolicy("localhost:3000")!.HostHeader);
        Assert.Equal("app.test:8080", Input(hostHeader: "app.test:8080").ToPolicy("localhost:3000")!.HostHeader);
        Assert.Null(Input(hostHeader: "preserve").ToPolicy("localhost:3000"));
        Assert.Null(Input().ToPolicy("localhost:3000"));
    }

    [Fact]
    public void Agent_config_file_takes_the_same_rules_per_tunnel()
    {
        var path = Path.Combine(_temp.Path, "agent.json");
        File.WriteAllText(path, """
            { "tunnels": [
              { "name": "admin", "port": 8080, "basicAuth": ["ann:s3cret", "bob:pw:with:colons"], "allowIp": ["10.0.0.0/8", "2001:db8::/32"],
                "denyIp": "10.9.0.0/16", "requestHeaderAdd": ["X-Env: staging"], "requestHeaderRemove": ["X-Debug"],
                "responseHeaderAdd": ["X-Frame-Options: DENY"], "responseHeaderRemove": ["Server"], "hostHeader": "rewrite" },
              { "name": "team", "port": 3000, "oidc": "corp", "oidcAllowEmail": ["*@example.com"], "oidcAllowDomain": ["example.org"] },
              { "name": "open", "port": 4000 }
            ] }
            """);

        var tunnels = StartCommand.Read(path).Tunnels;

        var admin = tunnels[0].Policy!;
        Assert.Equal(["ann", "bob"], admin.BasicAuth!.Select(u => u.User));
        Assert.Equal("pw:with:colons", admin.BasicAuth![1].Password);
        Assert.Equal(["10.0.0.0/8", "2001:db8::/32"], admin.AllowIps!);
        Assert.Equal(["10.9.0.0/16"], admin.DenyIps!);
        Assert.Equal("staging", Assert.Single(admin.RequestHeaders!.Add!).Value);
        Assert.Equal(["X-Debug"], admin.RequestHeaders!.Remove!);
        Assert.Equal("X-Frame-Options", Assert.Single(admin.ResponseHeaders!.Add!).Name);
        Assert.Equal("localhost:8080", admin.HostHeader);
        var team = tunnels[1].Policy!.Oidc!;
        Assert.Equal("corp", team.Provider);
        Assert.Equal(["*@example.com"], team.AllowEmails!);
        Assert.Equal(["example.org"], team.AllowDomains!);
        Assert.Null(tunnels[2].Policy);
    }

    [Fact]
    public void A_bad_rule_in_the_config_file_names_it()
    {
        var path = Path.Combine(_temp.Path, "agent.json");
        File.WriteAllText(path, """{ "tunnels": [ { "name": "x", "port": 1, "basicAuth": ["nopassword"] } ] }""");

        var error = Assert.Throws<AgentException>(() => StartCommand.Read(path));

        Assert.Equal(AgentExitCode.ConfigError, error.ExitCode);
        Assert.Contains("must be USER:PASSWORD", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("nopassword", error.Message, StringComparison.Ordinal);
    }

    private static PolicyInput Input(string? hostHeader = null) => new([], [], [], null, [], [], [], [], [], [], hostHeader);

    private static string Basic(string credentials) => new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(credentials))).ToString();

    private static async Task<HttpStatusCode> StatusAsync(HttpClient client, string url, params (string Name, string Value)[] headers)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        foreach (var (name, value) in headers)
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        using var response = await client.SendAsync(request);
        return response.StatusCode;
    }
}
