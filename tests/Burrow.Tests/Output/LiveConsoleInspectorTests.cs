using System.Net;
using Burrow.Agent;
using Burrow.Agent.Inspection;
using Burrow.Output;
using Burrow.Testing;

namespace Burrow.Tests.Output;

/// <summary>The live console with the request inspector on: its URL, and each request's id for `burrow replay`.</summary>
public sealed class LiveConsoleInspectorTests
{
    [Fact]
    public async Task Console_shows_the_inspector_url_and_the_id_of_each_request()
    {
        await using var host = await TunnelTestHost.StartAsync();
        await using var local = await LocalTestServer.StartAsync();
        await using var inspector = await RequestInspector.StartAsync(new InspectorOptions { Address = new IPEndPoint(IPAddress.Loopback, 0) });
        var (user, token) = host.CreateUser("alice");
        var options = host.AgentOptions(user, token, new TunnelTarget("ids", "127.0.0.1", local.Port));
        var screen = new StringWriter();
        var console = RecordingConsole.Create(screen);

        var output = new LiveConsoleOutput(options, console, TimeProvider.System, inspector.Url);
        var recorder = new RecordingObserver(next: output);
        var agent = new BurrowAgent(options, recorder) { Capture = inspector.Store };
        using var stop = new CancellationTokenSource();
        var run = Task.Run(() => agent.RunAsync(stop.Token));
        await recorder.Online.WaitAsync(TimeSpan.FromSeconds(15));
        Assert.Equal("answer 1", await host.PublicClient.GetStringAsync(host.PublicUri("ids", "/id/1")));
        Assert.Equal("answer 2", await host.PublicClient.GetStringAsync(host.PublicUri("ids", "/id/2")));
        await stop.CancelAsync();
        await run.WaitAsync(TimeSpan.FromSeconds(15));
        await output.DisposeAsync();

        var text = screen.ToString();
        var last = text[text.LastIndexOf("Burrow", StringComparison.Ordinal)..];
        Assert.Matches($@"Inspector\s+{System.Text.RegularExpressions.Regex.Escape(inspector.Url.ToString())}", last);
        Assert.Matches(@"Id\s+Time\s+Method", last);
        Assert.Matches(@"\b1\s+\d\d:\d\d:\d\d\s+GET\s+ids\.localhost\s+/id/1\s+200", last);
        Assert.Matches(@"\b2\s+\d\d:\d\d:\d\d\s+GET\s+ids\.localhost\s+/id/2\s+200", last);
    }
}
