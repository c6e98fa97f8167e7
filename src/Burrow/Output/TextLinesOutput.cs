using System.Collections.Concurrent;
using Burrow.Agent;

namespace Burrow.Output;

/// <summary>
/// Plain line-by-line output for a pipe or a log file: one line per event and per request. Local-server errors are
/// reported once per burst (then again after 10 s of quiet), not once per request.
/// </summary>
internal sealed class TextLinesOutput : IAgentOutput
{
    private static readonly TimeSpan BurstWindow = TimeSpan.FromSeconds(10);

    private readonly BufferedLineWriter _out;
    private readonly ConcurrentDictionary<string, DateTimeOffset> _lastLocalError = new();
    private int _drainingShown;

    public TextLinesOutput(TextWriter output, TimeProvider time, Uri? inspector = null)
    {
        _out = new BufferedLineWriter(output, time);
        if (inspector is not null)
        {
            Write($"inspector: {inspector}");
        }
    }

    public void OnConnecting(Uri server, int attempt)
    {
        if (attempt == 0)
        {
            Write($"connecting to {server}");
        }
    }

    public void OnOnline(IReadOnlyList<TunnelBinding> tunnels)
    {
        foreach (var tunnel in tunnels)
        {
            Write($"online: {tunnel.PublicUrl} -> {tunnel.Target.LocalAddress}");
            Write($"visitors: {tunnel.PublicUrl}: {tunnel.Policy}");
        }
    }

    public void OnReconnecting(TimeSpan delay, string reason, int attempt) => Write($"reconnecting in {delay.TotalSeconds:0.0} s (attempt {attempt}): {reason}");

    public void OnLocalUnreachable(TunnelBinding tunnel, string problem)
    {
        var now = DateTimeOffset.UtcNow;
        var last = _lastLocalError.GetValueOrDefault(tunnel.Name);
        _lastLocalError[tunnel.Name] = now;
        if (now - last > BurstWindow)
        {
            Write($"error: {tunnel.PublicUrl}: cannot reach {tunnel.Target.LocalAddress}: {problem}");
        }
    }

    public void OnRequest(TunnelBinding tunnel, RequestSummary request)
        => Write($"{(request.Id is { } id ? $"#{id} " : "")}{request.Method} {tunnel.PublicHost}{request.Path} {request.Status} {request.Duration.TotalMilliseconds:0}ms");

    /// <summary>One line when the drain starts; the count as it falls is for the live console.</summary>
    public void OnDraining(int requests)
    {
        if (Interlocked.Exchange(ref _drainingShown, 1) == 0)
        {
            Write(AgentOutput.Draining(requests));
        }
    }

    public void OnStopped(string? reason) => Write(reason is null ? "stopped" : $"stopped: {reason}");

    public ValueTask DisposeAsync() => _out.DisposeAsync();

    private void Write(string line)
    {
        _out.WriteLine($"{DateTimeOffset.Now:HH:mm:ss} {line}");
    }
}
