using Burrow.Agent;
using Burrow.Output;
using Burrow.Testing;

namespace Burrow.Tests.Output;

/// <summary>The live console, driven by a real agent through a real server to a real local server.</summary>
public sealed class LiveConsoleOutputTests
{
    [Fact]
    public async Task Console_shows_status_forwarding_connections_and_each_request()
    {
        // The agent under test is started by the test itself.
        await using var scenario = await TunnelScenario.StartAsync("live", startAgent: false);
        var (host, local, user) = (scenario.Host, scenario.Local, scenario.User);
        var options = scenario.AgentOptions();

        var screen = new StringWriter();
        var console = RecordingConsole.Create(screen);

        var output = new LiveConsoleOutput(options, console, TimeProvider.System);
        var recorder = new RecordingObserver(next: output);
        var agent = new BurrowAgent(options, recorder);
        using var stop = new CancellationTokenSource();
        var run = Task.Run(() => agent.RunAsync(stop.Token));
        await recorder.Online.WaitAsync(TimeSpan.FromSeconds(15));

        Assert.Equal("answer 1", await host.PublicClient.GetStringAsync(host.PublicUri("live", "/id/1")));
        using var missing = await host.PublicClient.GetAsync(host.PublicUri("live", "/status/404"));
        await stop.CancelAsync();
        Assert.Equal(AgentExitCode.Ok, await run.WaitAsync(TimeSpan.FromSeconds(15)));
        await output.DisposeAsync();

        // The last frame drawn is the state at exit.
        var text = screen.ToString();
        var last = text[text.LastIndexOf("Burrow", StringComparison.Ordinal)..];
        Assert.Contains("stopped", last, StringComparison.Ordinal);
        Assert.Contains($"http://live.localhost:{host.Server.HttpPort} -> 127.0.0.1:{local.Port}", last, StringComparison.Ordinal);
        Assert.Contains(user, last, StringComparison.Ordinal);
        Assert.Matches(@"Connections\s+\d+ open, [1-9]\d* total", last);
        Assert.Matches(@"GET\s+live\.localhost\s+/id/1\s+200\s+\d+ ms", last);
        Assert.Matches(@"GET\s+live\.localhost\s+/status/404\s+404\s+\d+ ms", last);
    }
}
