using System.Text.Json;
using Burrow.Agent;

namespace Burrow.Output;

/// <summary>One JSON object per line (<c>--log-format json</c>), for log collectors.</summary>
internal sealed class JsonLinesOutput : IAgentOutput
{
    private readonly BufferedLineWriter _out;

    public JsonLinesOutput(TextWriter output, TimeProvider time, Uri? inspector = null)
    {
        _out = new BufferedLineWriter(output, time);
        if (inspector is not null)
        {
            Write(new Dictionary<string, object?> { ["event"] = "inspector", ["url"] = inspector.ToString() });
        }
    }

    public void OnOnline(IReadOnlyList<TunnelBinding> tunnels)
    {
        foreach (var tunnel in tunnels)
        {
            Write(new Dictionary<string, object?> { ["event"] = "online", ["url"] = tunnel.PublicUrl, ["target"] = tunnel.Target.LocalAddress, ["visitors"] = tunnel.Policy });
        }
    }

    public void OnReconnecting(TimeSpan delay, string reason, int attempt)
        => Write(new Dictionary<string, object?> { ["event"] = "reconnecting", ["delaySeconds"] = delay.TotalSeconds, ["attempt"] = attempt, ["reason"] = reason });

    public void OnLocalUnreachable(TunnelBinding tunnel, string problem)
        => Write(new Dictionary<string, object?> { ["event"] = "local_unreachable", ["url"] = tunnel.PublicUrl, ["target"] = tunnel.Target.LocalAddress, ["error"] = problem });

    public void OnRequest(TunnelBinding tunnel, RequestSummary request)
        => Write(new Dictionary<string, object?>
        {
            ["event"] = "request",
            ["host"] = tunnel.PublicHost,
            ["method"] = request.Method,
            ["path"] = request.Path,
            ["status"] = request.Status,
            ["durationMs"] = Math.Round(request.Duration.TotalMilliseconds, 1),
            ["id"] = request.Id,
        });

    /// <summary>When the drain starts and each time the number of requests in flight changes.</summary>
    public void OnDraining(int requests) => Write(new Dictionary<string, object?> { ["event"] = "draining", ["requests"] = requests });

    public void OnStopped(string? reason) => Write(reason is null ? new Dictionary<string, object?> { ["event"] = "stopped" } : new Dictionary<string, object?> { ["event"] = "stopped", ["reason"] = reason });

    public ValueTask DisposeAsync() => _out.DisposeAsync();

    private void Write(Dictionary<string, object?> record)
    {
        record["time"] = DateTimeOffset.UtcNow;
        var line = JsonSerializer.Serialize(record);
        _out.WriteLine(line);
    }
}
