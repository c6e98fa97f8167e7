using System.Collections.Concurrent;
using Burrow.Agent;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace Burrow.Output;

/// <summary>
/// The terminal console, in the spirit of ngrok's: server, user, status (online, or reconnecting with a countdown),
/// each public URL and its local target, connection counts, and a scrolling list of recent requests. Redrawn four
/// times a second by Spectre.Console's live display.
/// </summary>
internal sealed class LiveConsoleOutput : IAgentOutput
{
    private const int RecentRequests = 12;

    private readonly AgentOptions _options;
    private readonly IAnsiConsole _console;
    private readonly TimeProvider _time;
    private readonly Uri? _inspector;
    private readonly ConcurrentQueue<(TunnelBinding Tunnel, RequestSummary Request)> _requests = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _render;
    private IReadOnlyList<TunnelBinding> _tunnels = [];
    private string _status = "connecting";
    private DateTimeOffset? _retryAt;
    private string? _lastError;
    private int _open;
    private int _draining;
    private int _disposed;
    private long _total;

    /// <param name="inspector">The request inspector's URL (shown, and each request's id with it), or null when it is off.</param>
    public LiveConsoleOutput(AgentOptions options, IAnsiConsole console, TimeProvider time, Uri? inspector = null)
    {
        _options = options;
        _console = console;
        _time = time;
        _inspector = inspector;
        _render = Task.Run(RenderAsync);
    }

    public void OnConnecting(Uri server, int attempt) => _status = attempt == 0 ? "connecting" : "reconnecting";

    public void OnOnline(IReadOnlyList<TunnelBinding> tunnels)
    {
        _tunnels = tunnels;
        _status = "online";
        _retryAt = null;
    }

    public void OnReconnecting(TimeSpan delay, string reason, int attempt)
    {
        _status = "reconnecting";
        _retryAt = _time.GetUtcNow() + delay;
        _lastError = reason;
    }

    public void OnLocalUnreachable(TunnelBinding tunnel, string problem) => _lastError = $"{tunnel.Target.LocalAddress}: {problem}";

    public void OnConnectionOpened(TunnelBinding tunnel)
    {
        Interlocked.Increment(ref _open);
        Interlocked.Increment(ref _total);
    }

    public void OnConnectionClosed(TunnelBinding tunnel) => Interlocked.Decrement(ref _open);

    public void OnRequest(TunnelBinding tunnel, RequestSummary request)
    {
        _requests.Enqueue((tunnel, request));
        while (_requests.Count > RecentRequests && _requests.TryDequeue(out _))
        {
        }
    }

    public void OnDraining(int requests)
    {
        Volatile.Write(ref _draining, requests);
        _status = "draining";
    }

    public void OnStopped(string? reason)
    {
        _status = reason is null ? "stopped" : $"stopped: {reason}";
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await _stop.CancelAsync();
        try
        {
            await _render;
        }
        catch (OperationCanceledException)
        {
        }

        _stop.Dispose();
    }

    private async Task RenderAsync()
    {
        await _console.Live(Build()).AutoClear(false).StartAsync(async context =>
        {
            while (!_stop.IsCancellationRequested)
            {
                context.UpdateTarget(Build());
                try
                {
                    await Task.Delay(TimeSpan.FromMilliseconds(250), _time, _stop.Token);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
            }

            context.UpdateTarget(Build());
        });
    }

    private Rows Build()
    {
        var grid = new Grid().AddColumn(new GridColumn().NoWrap()).AddColumn();
        var status = _status switch
        {
            "online" => "[green]online[/]",
            "reconnecting" when _retryAt is { } at => $"[yellow]reconnecting in {Math.Max(0, (at - _time.GetUtcNow()).TotalSeconds):0}s[/]",
            "reconnecting" or "connecting" => $"[yellow]{_status}[/]",
            "draining" => $"[yellow]{Markup.Escape(AgentOutput.Draining(Volatile.Read(ref _draining)))}[/]",
            "stopped" => "stopped",
            _ => $"[red]{Markup.Escape(_status)}[/]",
        };
        grid.AddRow("[bold]Burrow[/]", "[grey](Ctrl+C to quit)[/]");
        grid.AddRow("Status", status);
        grid.AddRow("Server", Markup.Escape(_options.Server?.ToString() ?? "?"));
        grid.AddRow("User", Markup.Escape(_options.User ?? "?"));
        foreach (var tunnel in _tunnels)
        {
            grid.AddRow("Forwarding", $"{Markup.Escape(tunnel.PublicUrl)} -> {Markup.Escape(tunnel.Target.LocalAddress)}");
        }

        foreach (var tunnel in _tunnels)
        {
            grid.AddRow("Visitors", $"{Markup.Escape(tunnel.PublicHost)}: {Markup.Escape(tunnel.Policy)}");
        }

        if (_inspector is not null)
        {
            grid.AddRow("Inspector", Markup.Escape(_inspector.ToString()));
        }

        grid.AddRow("Connections", $"{Volatile.Read(ref _open)} open, {Interlocked.Read(ref _total)} total");
        if (_lastError is { } error)
        {
            grid.AddRow("Last error", $"[red]{Markup.Escape(error)}[/]");
        }

        var table = new Table().Border(TableBorder.Simple);
        if (_inspector is not null)
        {
            table.AddColumn("Id");
        }

        table.AddColumn("Time").AddColumn("Method").AddColumn("Host").AddColumn("Path").AddColumn("Status").AddColumn("Duration");
        foreach (var (tunnel, request) in _requests.ToArray().Reverse())
        {
            var colour = request.Status >= 500 ? "red" : request.Status >= 400 ? "yellow" : "green";
            var cells = new List<string>();
            if (_inspector is not null)
            {
                cells.Add(request.Id is { } id ? id.ToString(System.Globalization.CultureInfo.InvariantCulture) : "");
            }

            cells.AddRange([
                request.StartedAt.ToLocalTime().ToString("HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture),
                Markup.Escape(request.Method),
                Markup.Escape(tunnel.PublicHost),
                Markup.Escape(request.Path.Length > 60 ? request.Path[..60] + "…" : request.Path),
                $"[{colour}]{request.Status}[/]",
                $"{request.Duration.TotalMilliseconds:0} ms",
            ]);
            table.AddRow([.. cells]);
        }

        return new Rows(grid, new Rule("HTTP requests").LeftJustified(), table);
    }
}
