using System.Net;
using Burrow.Testing;

namespace Burrow.Tests;

/// <summary>The <c>burrow</c> command as a user runs it: real processes, real sockets, loopback only.</summary>
public sealed class CommandLineTests : IDisposable
{
    private readonly TempDataDirectory _temp = new(create: true);

    private string Root => _temp.Path;

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task Readme_flow_user_add_server_http_curl_works_end_to_end()
    {
        var data = Path.Combine(Root, "data");
        var (code, output) = await BurrowProcess.RunAsync(["user", "add", "alice", "--data", data]);
        Assert.Equal(0, code);
        var token = output.Split('\n').First(l => l.StartsWith("brw_", StringComparison.Ordinal));

        var (httpPort, channelPort) = (TestPorts.Free(), TestPorts.Free());
        await using var server = BurrowProcess.Start(["server", "--listen", "127.0.0.1", "--http-port", $"{httpPort}", "--channel-port", $"{channelPort}", "--data", data]);
        await server.WaitForLineAsync(l => l.StartsWith("burrow server:", StringComparison.Ordinal));
        await using var local = await LocalTestServer.StartAsync();
        await using var agent = BurrowProcess.Start(["http", $"{local.Port}", "--host", "127.0.0.1", "--server", $"http://localhost:{httpPort}", "--user", "alice", "--token", token, "--name", "demo", "--log-format", "text"]);
        var online = await agent.WaitForLineAsync(l => l.Contains("online:", StringComparison.Ordinal));
        Assert.Contains($"http://demo.localhost:{httpPort} -> 127.0.0.1:{local.Port}", online, StringComparison.Ordinal);

        using var client = PublicClient(httpPort);
        var body = await client.GetStringAsync($"http://demo.localhost:{httpPort}/id/42");
        Assert.Equal("answer 42", body);

        // Non-terminal output: one line per request with method, host and path, status and duration.
        var line = await agent.WaitForLineAsync(l => l.Contains("GET demo.localhost/id/42", StringComparison.Ordinal));
        Assert.Matches(@"GET demo\.localhost/id/42 200 \d+ms$", line);
    }

    [Fact]
    public async Task Killing_the_agent_mid_response_fails_the_public_response_and_frees_the_name()
    {
        // The agent under test is started by the test itself.
        await using var scenario = await TunnelScenario.StartAsync("victim", startAgent: false);
        var (host, local, user, token) = (scenario.Host, scenario.Local, scenario.User, scenario.Token);
        await using var agent = BurrowProcess.Start(["http", $"{local.Port}", "--host", "127.0.0.1", "--server", $"http://127.0.0.1:{host.Server.HttpPort}", "--user", user, "--token", token, "--name", "victim", "--log-format", "text"]);
        await agent.WaitForLineAsync(l => l.Contains("online:", StringComparison.Ordinal));

        using var response = await host.PublicClient.GetAsync(host.PublicUri("victim", $"/download?size={4L * 1024 * 1024 * 1024}"), HttpCompletionOption.ResponseHeadersRead);
        await using var body = await response.Content.ReadAsStreamAsync();
        var buffer = new byte[1024 * 1024];
        await body.ReadExactlyAsync(buffer);

        agent.Kill();
        var failed = await Assert.ThrowsAnyAsync<Exception>(async () =>
        {
            while (await body.ReadAsync(buffer) > 0)
            {
            }
        }).WaitAsync(TimeSpan.FromSeconds(15));
        Assert.True(failed is IOException or HttpRequestException, failed.GetType().Name);

        // The name is free again for its owner, right away.
        await host.StartAgentAsync(user, token, "victim", local.Port);
        Assert.Equal("answer 3", await host.PublicClient.GetStringAsync(host.PublicUri("victim", "/id/3")));
    }

    [Fact]
    public async Task Killed_server_restarted_on_the_same_ports_gets_its_agent_back()
    {
        var data = Path.Combine(Root, "data");
        var (_, output) = await BurrowProcess.RunAsync(["user", "add", "alice", "--data", data]);
        var token = output.Split('\n').First(l => l.StartsWith("brw_", StringComparison.Ordinal));
        var (httpPort, channelPort) = (TestPorts.Free(), TestPorts.Free());
        string[] serverArgs = ["server", "--listen", "127.0.0.1", "--http-port", $"{httpPort}", "--channel-port", $"{channelPort}", "--data", data];
        await using var local = await LocalTestServer.StartAsync();
        var server = BurrowProcess.Start(serverArgs);
        await server.WaitForLineAsync(l => l.StartsWith("burrow server:", StringComparison.Ordinal));
        await using var agent = BurrowProcess.Start(["http", $"{local.Port}", "--host", "127.0.0.1", "--server", $"http://127.0.0.1:{httpPort}", "--user", "alice", "--token", token, "--name", "phoenix", "--log-format", "text"]);
        await agent.WaitForLineAsync(l => l.Contains("online:", StringComparison.Ordinal));

        server.Kill();
        await server.DisposeAsync();
        await agent.WaitForLineAsync(l => l.Contains("reconnecting", StringComparison.Ordinal));
        var restarted = System.Diagnostics.Stopwatch.StartNew();
        await using var again = BurrowProcess.Start(serverArgs);
        await again.WaitForLineAsync(l => l.StartsWith("burrow server:", StringComparison.Ordinal));

        // Online a second time: the agent is back, and the new server routes its channel before saying so.
        await agent.WaitForLineAsync(l => l.Contains("online:", StringComparison.Ordinal), TimeSpan.FromSeconds(40), occurrence: 2);
        Console.WriteLine($"recovered {restarted.ElapsedMilliseconds} ms after the server process was started again");
        using var client = PublicClient(httpPort);
        Assert.Equal("answer 9", await client.GetStringAsync($"http://phoenix.localhost:{httpPort}/id/9"));
    }

    [Fact]
    public async Task Login_then_http_needs_no_flags_and_environment_overrides_the_file()
    {
        // The agent under test is started by the test itself.
        await using var scenario = await TunnelScenario.StartAsync("nofl", startAgent: false);
        var (host, local, user, token) = (scenario.Host, scenario.Local, scenario.User, scenario.Token);
        var config = Path.Combine(Root, "config");
        var env = new Dictionary<string, string?> { ["XDG_CONFIG_HOME"] = config };

        var (code, _) = await BurrowProcess.RunAsync(["login", "--server", $"http://127.0.0.1:{host.Server.HttpPort}", "--user", user, "--token", token], env);
        Assert.Equal(0, code);
        var file = Path.Combine(config, "burrow", "credentials.json");
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file));

        await using (var agent = BurrowProcess.Start(["http", $"{local.Port}", "--host", "127.0.0.1", "--name", "nofl", "--log-format", "text"], env))
        {
            await agent.WaitForLineAsync(l => l.Contains("online:", StringComparison.Ordinal));
        }

        var overridden = new Dictionary<string, string?>(env) { ["BURROW_TOKEN"] = "brw_wrong" };
        var (failed, output) = await BurrowProcess.RunAsync(["http", $"{local.Port}", "--name", "nofl", "--log-format", "text"], overridden);
        Assert.Equal(3, failed);
        Assert.Contains("refused the credentials", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Missing_credentials_is_a_config_error_with_exit_code_2()
    {
        var env = new Dictionary<string, string?> { ["XDG_CONFIG_HOME"] = Path.Combine(Root, "empty") };
        var (code, output) = await BurrowProcess.RunAsync(["http", "3000", "--log-format", "text"], env);
        Assert.Equal(2, code);
        Assert.Contains("--server", output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("-1")]
    [InlineData("NaN")]
    [InlineData("100000")]
    public async Task Bad_drain_timeout_is_a_config_error_with_exit_code_2(string value)
    {
        var (code, output) = await BurrowProcess.RunAsync(["http", "3000", "--server", "http://127.0.0.1:1", "--user", "u", "--token", "t", "--drain-timeout", value, "--log-format", "text"]);
        Assert.Equal(2, code);
        Assert.Contains("--drain-timeout must be a number of seconds from 0 to 86400", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Sigterm_stops_the_agent_gracefully_with_exit_code_0()
    {
        // The agent under test is started by the test itself.
        await using var scenario = await TunnelScenario.StartAsync("term", startAgent: false);
        var (host, local, user, token) = (scenario.Host, scenario.Local, scenario.User, scenario.Token);
        await using var agent = BurrowProcess.Start(["http", $"{local.Port}", "--host", "127.0.0.1", "--server", $"http://127.0.0.1:{host.Server.HttpPort}", "--user", user, "--token", token, "--name", "term", "--log-format", "text"]);
        await agent.WaitForLineAsync(l => l.Contains("online:", StringComparison.Ordinal));

        agent.Terminate();
        Assert.Equal(0, await agent.WaitForExitAsync(TimeSpan.FromSeconds(20)));
    }

    [Fact]
    public async Task User_token_and_name_commands_manage_the_database()
    {
        var data = Path.Combine(Root, "data");
        Assert.Equal(0, (await BurrowProcess.RunAsync(["user", "add", "carol", "--data", data, "--max-tunnels", "3"])).ExitCode);
        var (duplicate, duplicateOutput) = await BurrowProcess.RunAsync(["user", "add", "carol", "--data", data]);
        Assert.Equal(1, duplicate);
        Assert.Contains("already exists", duplicateOutput, StringComparison.Ordinal);

        var (_, added) = await BurrowProcess.RunAsync(["token", "add", "carol", "--label", "laptop", "--data", data]);
        Assert.Contains(added.Split('\n'), l => l.StartsWith("brw_", StringComparison.Ordinal));
        var (_, tokens) = await BurrowProcess.RunAsync(["token", "list", "carol", "--data", data]);
        Assert.Contains("laptop", tokens, StringComparison.Ordinal);
        Assert.DoesNotContain("brw_", tokens, StringComparison.Ordinal);
        Assert.Equal(0, (await BurrowProcess.RunAsync(["token", "revoke", "carol", "2", "--data", data])).ExitCode);
        Assert.Contains("revoked", (await BurrowProcess.RunAsync(["token", "list", "carol", "--data", data])).Output, StringComparison.Ordinal);

        var (_, users) = await BurrowProcess.RunAsync(["user", "list", "--data", data]);
        Assert.Contains("carol", users, StringComparison.Ordinal);
        Assert.Equal(0, (await BurrowProcess.RunAsync(["user", "remove", "carol", "--data", data])).ExitCode);
        Assert.DoesNotContain("carol", (await BurrowProcess.RunAsync(["user", "list", "--data", data])).Output, StringComparison.Ordinal);
    }


    internal static HttpClient PublicClient(int port) => new(new SocketsHttpHandler
    {
        UseProxy = false,
        ConnectCallback = async (_, ct) =>
        {
            var socket = new System.Net.Sockets.Socket(System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Tcp);
            await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port), ct);
            return new System.Net.Sockets.NetworkStream(socket, ownsSocket: true);
        },
    }, disposeHandler: true);
}
