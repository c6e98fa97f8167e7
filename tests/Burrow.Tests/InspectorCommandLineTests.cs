using System.Net;
using System.Text.Json;
using Burrow.Testing;

namespace Burrow.Tests;

/// <summary>The inspector as a user meets it: `burrow http` prints its URL and request ids, `burrow replay ID` replays.</summary>
public sealed class InspectorCommandLineTests
{
    [Fact]
    public async Task Http_prints_the_inspector_and_request_ids_and_replay_sends_the_request_again()
    {
        await using var host = await TunnelTestHost.StartAsync();
        await using var local = await LocalTestServer.StartAsync();
        var (user, token) = host.CreateUser("alice");
        await using var agent = BurrowProcess.Start(["http", $"{local.Port}", "--host", "127.0.0.1", "--server", $"http://127.0.0.1:{host.Server.HttpPort}", "--user", user, "--token", token, "--name", "demo", "--inspect", "127.0.0.1:0", "--log-format", "text"]);
        var inspector = new Uri((await agent.WaitForLineAsync(l => l.Contains("inspector: ", StringComparison.Ordinal))).Split("inspector: ")[1]);
        await agent.WaitForLineAsync(l => l.Contains("online:", StringComparison.Ordinal));
        Assert.Equal(IPAddress.Loopback.ToString(), inspector.Host);

        using var json = new StringContent("{\"a\":1}", System.Text.Encoding.UTF8, "application/json");
        using var posted = await host.PublicClient.PostAsync(host.PublicUri("demo", "/echo?cli=1"), json);
        var line = await agent.WaitForLineAsync(l => l.Contains("POST demo.localhost/echo?cli=1", StringComparison.Ordinal));
        Assert.Matches(@"#1 POST demo\.localhost/echo\?cli=1 200 \d+ms$", line);

        using var api = new HttpClient { BaseAddress = inspector };
        var listed = JsonDocument.Parse(await api.GetStringAsync(new Uri("/api/requests", UriKind.Relative))).RootElement.GetProperty("requests")[0];
        Assert.Equal("{\n  \"a\": 1\n}", listed.GetProperty("request").GetProperty("body").GetProperty("text").GetString());

        var (code, output) = await BurrowProcess.RunAsync(["replay", "1", "--port", $"{inspector.Port}"]);
        Assert.Equal(0, code);
        Assert.Matches(@"replayed #1 as #2: POST /echo\?cli=1 -> 200", output);
        var replayed = JsonDocument.Parse(await api.GetStringAsync(new Uri("/api/requests/2", UriKind.Relative))).RootElement;
        Assert.Equal(1, replayed.GetProperty("replayOf").GetInt64());
        Assert.EndsWith("{\"a\":1}", replayed.GetProperty("response").GetProperty("body").GetProperty("text").GetString(), StringComparison.Ordinal);

        var (missing, error) = await BurrowProcess.RunAsync(["replay", "42", "--port", $"{inspector.Port}"]);
        Assert.Equal(1, missing);
        Assert.Contains("no request 42", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Replay_without_an_inspector_says_what_to_run()
    {
        var (code, output) = await BurrowProcess.RunAsync(["replay", "1", "--port", $"{TestPorts.Free()}"]);
        Assert.Equal(1, code);
        Assert.Contains("no inspector at 127.0.0.1:", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Inspect_off_serves_no_inspector_and_prints_no_ids()
    {
        await using var host = await TunnelTestHost.StartAsync();
        await using var local = await LocalTestServer.StartAsync();
        var (user, token) = host.CreateUser("alice");
        await using var agent = BurrowProcess.Start(["http", $"{local.Port}", "--host", "127.0.0.1", "--server", $"http://127.0.0.1:{host.Server.HttpPort}", "--user", user, "--token", token, "--name", "quiet", "--inspect", "off", "--log-format", "text"]);
        await agent.WaitForLineAsync(l => l.Contains("online:", StringComparison.Ordinal));
        Assert.Equal("answer 5", await host.PublicClient.GetStringAsync(host.PublicUri("quiet", "/id/5")));
        var line = await agent.WaitForLineAsync(l => l.Contains("GET quiet.localhost/id/5", StringComparison.Ordinal));
        Assert.DoesNotContain("#", line, StringComparison.Ordinal);
        Assert.DoesNotContain(agent.Lines, l => l.Contains("inspector", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("--inspect", "nowhere", "--inspect 'nowhere' is not an address")]
    [InlineData("--inspect-buffer", "lots", "--inspect-buffer 'lots' is not a size")]
    [InlineData("--inspect-buffer", "512KiB", "--inspect-buffer must be at least 1MiB")]
    [InlineData("--inspect-body-limit", "40MiB", "must hold at least two bodies")]
    public async Task Bad_inspector_flags_are_configuration_errors(string flag, string value, string error)
    {
        var (code, output) = await BurrowProcess.RunAsync(["http", "3000", "--server", "http://127.0.0.1:1", "--user", "u", "--token", "t", flag, value]);
        Assert.Equal(2, code);
        Assert.Contains(error, output, StringComparison.Ordinal);
    }
}
