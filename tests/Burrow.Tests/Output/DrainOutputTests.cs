using System.Text.Json;
using Burrow.Agent;
using Burrow.Output;
using Burrow.Testing;

namespace Burrow.Tests.Output;

/// <summary>
/// What each output says on Ctrl-C while a request is in flight: the live console keeps the count current, the text
/// output prints one line, JSON reports every change; then "stopped". A real agent, server and local server.
/// </summary>
public sealed class DrainOutputTests : IAsyncLifetime
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);

    private TunnelTestHost _host = null!;
    private DevServerTestApp _app = null!;

    public async Task InitializeAsync()
    {
        _host = await TunnelTestHost.StartAsync(s => s.Channels(c => c.ShutdownGracePeriod = TimeSpan.FromMinutes(10)));
        _app = await DevServerTestApp.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await _host.DisposeAsync();
        await _app.DisposeAsync();
    }

    [Fact]
    public async Task Text_output_prints_one_draining_line_then_stopped()
    {
        var written = new StringWriter();
        var output = new TextLinesOutput(written, TimeProvider.System);
        await DrainOneRequestAsync("text", output);
        await output.DisposeAsync();

        var lines = written.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l[9..]).ToList();
        Assert.Equal("draining 1 request (Ctrl-C again to quit now)", lines.Single(l => l.StartsWith("draining", StringComparison.Ordinal)));
        Assert.Equal("stopped", lines[^1]);
    }

    [Fact]
    public async Task Json_output_reports_each_count_then_stopped()
    {
        var written = new StringWriter();
        var output = new JsonLinesOutput(written, TimeProvider.System);
        await DrainOneRequestAsync("json", output);
        await output.DisposeAsync();

        var events = written.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        var draining = events.Where(e => e.GetProperty("event").GetString() == "draining").Select(e => e.GetProperty("requests").GetInt32());
        Assert.Equal([1, 0], draining);
        Assert.Equal("stopped", events[^1].GetProperty("event").GetString());
    }

    [Fact]
    public async Task Live_console_shows_the_draining_count_and_how_to_quit_now()
    {
        var screen = new StringWriter();
        var output = new LiveConsoleOutput(_host.AgentOptions("alice", "unused"), RecordingConsole.Create(screen), TimeProvider.System);

        // The frame drawn as the console closes is its state then: closed mid-drain, it shows the drain.
        await DrainOneRequestAsync("live", output, whileDraining: () => output.DisposeAsync().AsTask());

        var text = screen.ToString();
        var last = text[text.LastIndexOf("Burrow", StringComparison.Ordinal)..];
        Assert.Matches(@"Status\s+draining 1 request \(Ctrl-C again to quit now\)", last);
    }

    /// <summary>Runs an agent reporting to <paramref name="output"/>; Ctrl-C with one request in flight, which then ends.</summary>
    private async Task DrainOneRequestAsync(string name, IAgentObserver output, Func<Task>? whileDraining = null)
    {
        var (user, token) = _host.CreateUser(name);
        var options = _host.AgentOptions(user, token, new TunnelTarget(name, "127.0.0.1", _app.Port));
        var recorder = new RecordingObserver(next: output);
        var agent = new BurrowAgent(options, recorder);
        using var stop = new CancellationTokenSource();
        var run = Task.Run(() => agent.RunAsync(stop.Token));
        await recorder.Online.WaitAsync(Wait);

        var held = _host.PublicClient.GetAsync(_host.PublicUri(name, "/slow?id=" + name));
        await _app.WaitForHeldAsync(name);
        await stop.CancelAsync();
        await recorder.WaitForEventAsync("draining 1");
        if (whileDraining is not null)
        {
            await whileDraining();
        }

        _app.Release(name);
        using var response = await held.WaitAsync(Wait);
        Assert.Equal(AgentExitCode.Ok, await run.WaitAsync(Wait));
    }
}
