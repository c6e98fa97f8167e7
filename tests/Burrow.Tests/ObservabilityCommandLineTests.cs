using System.Globalization;
using System.Text.Json;
using Burrow.Testing;

namespace Burrow.Tests;

/// <summary>
/// The operator's side of the <c>burrow</c> command (issue 13) as an operator runs it: the server's admin, access log
/// and metrics flags, SIGHUP, <c>burrow admin token</c>, the agent's <c>--metrics</c>, and the account commands
/// working through a running server's admin API. Real processes, loopback only.
/// </summary>
public sealed class ObservabilityCommandLineTests : IDisposable
{
    private readonly TempDataDirectory _temp = new(create: true);

    private string Data => Path.Combine(_temp.Path, "data");

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task Ten_requests_show_in_server_and_agent_metrics_and_the_access_log_which_sighup_reopens()
    {
        var token = await CreateUserAsync("alice");
        var log = Path.Combine(_temp.Path, "access.log");
        var (server, admin, httpPort) = await StartServerAsync("--access-log", log);
        await using var serverProcess = server;
        await using var local = await LocalTestServer.StartAsync();
        await using var agent = BurrowProcess.Start(["http", $"{local.Port}", "--host", "127.0.0.1", "--server", $"http://localhost:{httpPort}", "--user", "alice", "--token", token, "--name", "demo", "--log-format", "text", "--inspect", "off", "--metrics", "127.0.0.1:0"]);
        var agentMetrics = new Uri(After(await agent.WaitForLineAsync(l => l.Contains("agent metrics at ", StringComparison.Ordinal)), "agent metrics at "));
        await agent.WaitForLineAsync(l => l.Contains("online:", StringComparison.Ordinal));

        using var client = CommandLineTests.PublicClient(httpPort);
        for (var i = 0; i < 10; i++)
        {
            Assert.Equal($"answer {i}", await client.GetStringAsync($"http://demo.localhost:{httpPort}/id/{i}?secret=x"));
        }

        using var scraper = new HttpClient();
        var scrape = await PrometheusText.ScrapeAsync(scraper, new Uri(admin, "/metrics"));
        Assert.Equal(10, scrape.Value("burrow_requests_total", ("tunnel", "demo"), ("code", "2xx")));
        Assert.Equal(1, scrape.Value("burrow_tunnels_online"));
        Assert.Equal(10, scrape.Value("burrow_request_duration_seconds_count", ("tunnel", "demo")));

        // The agent counts the same requests on its own endpoint.
        var agentScrape = await PrometheusText.ScrapeAsync(scraper, agentMetrics);
        Assert.Equal(10, agentScrape.Value("burrow_agent_requests_total", ("tunnel", "demo"), ("code", "2xx")));
        Assert.Equal(10, agentScrape.Value("burrow_agent_request_duration_seconds_count", ("tunnel", "demo")));

        // Ten JSON lines, written off the request path: await them.
        await Poll.UntilAsync(() => ReadLines(log).Length == 10, "ten access log lines");
        var lines = ReadLines(log).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.All(lines, l => Assert.Equal("demo", l.GetProperty("tunnel").GetString()));
        Assert.All(lines, l => Assert.Equal("alice", l.GetProperty("user").GetString()));
        Assert.All(lines, l => Assert.Equal(200, l.GetProperty("status").GetInt32()));
        Assert.Equal(Enumerable.Range(0, 10).Select(i => $"/id/{i}"), lines.Select(l => l.GetProperty("path").GetString()));

        // logrotate: the file is moved away, SIGHUP, and the next line goes to a new file at the old path (the
        // writer reopens before its next line; the server logs when it took the signal).
        var rotated = log + ".1";
        File.Move(log, rotated);
        Signal(serverProcess, "HUP");
        await serverProcess.WaitForLineAsync(l => l.Contains("Reopening the access log", StringComparison.Ordinal));
        Assert.Equal("answer after", await client.GetStringAsync($"http://demo.localhost:{httpPort}/id/after"));
        await Poll.UntilAsync(() => ReadLines(log).Length == 1, "the next request's line in the new file");
        Assert.Contains("/id/after", ReadLines(log)[0], StringComparison.Ordinal);
        Assert.Equal(10, ReadLines(rotated).Length);
        Assert.False(serverProcess.HasExited, "SIGHUP reopens the log; it does not stop the server");
    }

    [Fact]
    public async Task A_second_ctrl_c_stops_the_draining_server_at_once_and_still_writes_the_access_log()
    {
        var token = await CreateUserAsync("frank");
        var log = Path.Combine(_temp.Path, "quit.log");
        var (server, _, httpPort) = await StartServerAsync("--access-log", log);
        await using var serverProcess = server;
        await using var local = await LocalTestServer.StartAsync();
        await using var agent = BurrowProcess.Start(["http", $"{local.Port}", "--host", "127.0.0.1", "--server", $"http://localhost:{httpPort}", "--user", "frank", "--token", token, "--name", "stream", "--log-format", "text", "--inspect", "off"]);
        await agent.WaitForLineAsync(l => l.Contains("online:", StringComparison.Ordinal));

        // A response that would run for minutes keeps the first Ctrl-C's drain waiting.
        using var client = CommandLineTests.PublicClient(httpPort);
        using var response = await client.GetAsync(new Uri($"http://stream.localhost:{httpPort}/sse?count=10000&delayMs=50"), HttpCompletionOption.ResponseHeadersRead);
        await using var body = await response.Content.ReadAsStreamAsync();
        Assert.True(await body.ReadAsync(new byte[64]) > 0);

        serverProcess.Interrupt();
        await serverProcess.WaitForLineAsync(l => l.Contains("burrow server: stopping", StringComparison.Ordinal));
        Assert.False(serverProcess.HasExited, "the first Ctrl-C drains: the stream is still in flight");
        serverProcess.Interrupt();

        // The forced exit would come ShutdownSignals.QuitDeadline (2 s) after the second signal, without the log.
        Assert.Equal(130, await serverProcess.WaitForExitAsync(TimeSpan.FromSeconds(30)));
        var line = Assert.Single(ReadLines(log));
        Assert.Contains("/sse", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Server_and_agent_given_an_otlp_endpoint_export_the_spans_of_one_trace()
    {
        var token = await CreateUserAsync("erin");
        await using var collector = await OtlpReceiver.StartAsync();
        string[] otlp = ["--otlp-endpoint", collector.TracesUri.ToString(), "--otlp-protocol", "http"];
        var (server, _, httpPort) = await StartServerAsync(otlp);
        await using var serverProcess = server;
        await using var local = await LocalTestServer.StartAsync();
        await using var agent = BurrowProcess.Start(["http", $"{local.Port}", "--host", "127.0.0.1", "--server", $"http://localhost:{httpPort}", "--user", "erin", "--token", token, "--name", "traced", "--log-format", "text", "--inspect", "off", .. otlp]);
        await agent.WaitForLineAsync(l => l.Contains("online:", StringComparison.Ordinal));

        using var client = CommandLineTests.PublicClient(httpPort);
        var echo = await client.GetStringAsync($"http://traced.localhost:{httpPort}/echo");
        var traceparent = echo.Split('\n').Single(l => l.StartsWith("traceparent: ", StringComparison.Ordinal))["traceparent: ".Length..].Split('-');
        var (trace, edgeSpan) = (Convert.FromHexString(traceparent[1]), Convert.FromHexString(traceparent[2]));

        // Each process exports on its own schedule (a batch every few seconds): await both.
        await Poll.UntilAsync(() => collector.ContainsInOneExport("burrow-server"u8.ToArray(), trace, edgeSpan), "the edge's span from the server", TimeSpan.FromSeconds(60));
        await Poll.UntilAsync(() => collector.ContainsInOneExport("burrow-agent"u8.ToArray(), trace, edgeSpan), "the agent's span, child of the edge's", TimeSpan.FromSeconds(60));
    }

    [Fact]
    public async Task User_token_and_name_commands_work_through_a_running_servers_admin_api()
    {
        var adminToken = await CreateAdminTokenAsync();
        var (server, admin, _) = await StartServerAsync();
        await using var serverProcess = server;
        string[] remote = ["--admin", admin.ToString(), "--admin-token", adminToken];

        var (added, addOutput) = await BurrowProcess.RunAsync(["user", "add", "dave", "--max-tunnels", "4", .. remote]);
        Assert.Equal(0, added);
        Assert.Contains(addOutput.Split('\n'), l => l.StartsWith("brw_", StringComparison.Ordinal));
        var (duplicate, duplicateOutput) = await BurrowProcess.RunAsync(["user", "add", "dave", .. remote]);
        Assert.Equal(1, duplicate);
        Assert.Contains("already exists", duplicateOutput, StringComparison.Ordinal);

        var users = (await BurrowProcess.RunAsync(["user", "list", .. remote])).Output;
        Assert.Matches(@"dave\s+1\s+0\s+4", users);

        var (_, tokenOutput) = await BurrowProcess.RunAsync(["token", "add", "dave", "--label", "ci", .. remote]);
        Assert.Contains(tokenOutput.Split('\n'), l => l.StartsWith("brw_", StringComparison.Ordinal));
        var tokens = (await BurrowProcess.RunAsync(["token", "list", "dave", .. remote])).Output;
        Assert.Contains("ci", tokens, StringComparison.Ordinal);
        Assert.DoesNotContain("brw_", tokens, StringComparison.Ordinal);
        var ciId = tokens.Split('\n').Single(l => l.Contains(" ci ", StringComparison.Ordinal)).Trim().Split(' ')[0];
        Assert.Equal(0, (await BurrowProcess.RunAsync(["token", "revoke", "dave", ciId, .. remote])).ExitCode);
        var (again, againOutput) = await BurrowProcess.RunAsync(["token", "revoke", "dave", ciId, .. remote]);
        Assert.Equal(1, again);
        Assert.Contains($"no active token {ciId}", againOutput, StringComparison.Ordinal);

        // The changes are in the server's database, as the local commands see it.
        Assert.Contains("revoked", (await BurrowProcess.RunAsync(["token", "list", "dave", "--data", Data])).Output, StringComparison.Ordinal);

        Assert.Equal(0, (await BurrowProcess.RunAsync(["name", "list", .. remote])).ExitCode);
        var (release, releaseOutput) = await BurrowProcess.RunAsync(["name", "release", "nobody-has-it", .. remote]);
        Assert.Equal(1, release);
        Assert.Contains("nobody-has-it", releaseOutput, StringComparison.Ordinal);

        Assert.Equal(0, (await BurrowProcess.RunAsync(["user", "remove", "dave", .. remote])).ExitCode);
        Assert.DoesNotContain("dave", (await BurrowProcess.RunAsync(["user", "list", "--data", Data])).Output, StringComparison.Ordinal);

        // Refusals, each one clear line and exit code 1.
        var (noToken, noTokenOutput) = await BurrowProcess.RunAsync(["user", "list", "--admin", admin.ToString()]);
        Assert.Equal(1, noToken);
        Assert.Contains("--admin needs --admin-token", noTokenOutput, StringComparison.Ordinal);
        var (wrong, wrongOutput) = await BurrowProcess.RunAsync(["user", "list", "--admin", admin.ToString(), "--admin-token", "brwadm_wrong"]);
        Assert.Equal(1, wrong);
        Assert.Contains("refused the token", wrongOutput, StringComparison.Ordinal);

        // The admin token never crosses plain HTTP to another machine (refused before any connection is made).
        var (plain, plainOutput) = await BurrowProcess.RunAsync(["user", "list", "--admin", "http://192.0.2.10:9090", "--admin-token", adminToken]);
        Assert.Equal(1, plain);
        Assert.Contains("over plain HTTP", plainOutput, StringComparison.Ordinal);

        // An admin token revoked on the server's machine stops working at once.
        var list = (await BurrowProcess.RunAsync(["admin", "token", "list", "--data", Data])).Output;
        Assert.DoesNotContain(adminToken, list, StringComparison.Ordinal);
        var adminId = list.Split('\n').Single(l => l.Contains("active", StringComparison.Ordinal)).Trim().Split(' ')[0];
        Assert.Equal(0, (await BurrowProcess.RunAsync(["admin", "token", "revoke", adminId, "--data", Data])).ExitCode);
        var (revoked, revokedOutput) = await BurrowProcess.RunAsync(["user", "list", .. remote]);
        Assert.Equal(1, revoked);
        Assert.Contains("refused the token", revokedOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_admin_listener_beyond_loopback_without_tls_refuses_to_start_unless_allowed()
    {
        var (code, output) = await BurrowProcess.RunAsync(["server", "--listen", "127.0.0.1", "--http-port", "0", "--channel-port", "0", "--data", Data, "--admin-listen", "0.0.0.0"]);
        Assert.NotEqual(0, code);
        Assert.Contains("--admin-allow-http", output, StringComparison.Ordinal);

        var (server, admin, _) = await StartServerAsync("--admin-listen", "0.0.0.0", "--admin-allow-http");
        await using var serverProcess = server;
        using var client = new HttpClient();
        using var unauthorized = await client.GetAsync(new Uri(admin, "/api/users"));
        Assert.Equal(System.Net.HttpStatusCode.Unauthorized, unauthorized.StatusCode);
    }

    [Fact]
    public async Task Agent_metrics_address_that_does_not_parse_is_a_config_error()
    {
        var (code, output) = await BurrowProcess.RunAsync(["http", "3000", "--server", "http://localhost:1", "--user", "u", "--token", "brw_x", "--metrics", "not-an-address"]);
        Assert.Equal(2, code);
        Assert.Contains("--metrics 'not-an-address' is not an address", output, StringComparison.Ordinal);
    }

    private async Task<string> CreateUserAsync(string name)
    {
        var (code, output) = await BurrowProcess.RunAsync(["user", "add", name, "--data", Data]);
        Assert.Equal(0, code);
        return output.Split('\n').First(l => l.StartsWith("brw_", StringComparison.Ordinal));
    }

    private async Task<string> CreateAdminTokenAsync()
    {
        var (code, output) = await BurrowProcess.RunAsync(["admin", "token", "create", "--label", "ops", "--data", Data]);
        Assert.Equal(0, code);
        return output.Split('\n').Single(l => !l.StartsWith("stderr: ", StringComparison.Ordinal) && l.Length > 0);
    }

    /// <summary>A server on free ports whose admin listener also takes a free port; returns its admin URL and HTTP port.</summary>
    private async Task<(BurrowProcess Server, Uri Admin, int HttpPort)> StartServerAsync(params string[] flags)
    {
        var httpPort = TestPorts.Free();
        var server = BurrowProcess.Start(["server", "--listen", "127.0.0.1", "--http-port", $"{httpPort}", "--channel-port", $"{TestPorts.Free()}", "--data", Data, "--admin-port", "0", .. flags]);
        try
        {
            var line = await server.WaitForLineAsync(l => l.StartsWith("burrow server: admin at ", StringComparison.Ordinal));
            var admin = new Uri(After(line, "admin at ").Split(' ')[0]);
            return (server, admin, httpPort);
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    private static string After(string line, string marker) => line[(line.IndexOf(marker, StringComparison.Ordinal) + marker.Length)..].Trim();

    private static string[] ReadLines(string path)
    {
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            using var reader = new StreamReader(stream);
            return reader.ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        }
        catch (FileNotFoundException)
        {
            return [];
        }
    }

    private static void Signal(BurrowProcess process, string signal)
    {
        using var kill = System.Diagnostics.Process.Start("kill", [$"-{signal}", process.Id.ToString(CultureInfo.InvariantCulture)]);
        kill.WaitForExit();
    }
}
