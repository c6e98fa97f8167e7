using System.Net.Http;

namespace Burrow.Agent.Forwarding;

/// <summary>
/// Probes the local servers that have a health-check path (<c>--health-check /healthz</c>) every
/// <see cref="AgentOptions.HealthCheckInterval"/> with a GET straight to the local server: a 2xx or 3xx answer within
/// the interval is serving, anything else is not. The channel is reported serving only while every probed local
/// server is, because one channel carries all of the agent's names (docs/protocol.md, HEALTH).
/// </summary>
internal sealed class HealthProbe : IDisposable
{
    private readonly List<TunnelBinding> _tunnels;
    private readonly AgentOptions _options;
    private readonly IAgentObserver _observer;
    private readonly TimeProvider _time;
    private readonly HttpClient _http;

    public HealthProbe(IReadOnlyList<TunnelBinding> tunnels, AgentOptions options, IAgentObserver observer, TimeProvider time)
    {
        _tunnels = tunnels.Where(t => t.Target.HealthCheckPath is not null).ToList();
        _options = options;
        _observer = observer;
        _time = time;
        _http = new HttpClient(new SocketsHttpHandler { UseProxy = false, AllowAutoRedirect = false, PooledConnectionIdleTimeout = options.HealthCheckInterval * 2 })
        {
            Timeout = options.HealthCheckInterval,
        };
    }

    public bool IsNeeded => _tunnels.Count > 0;

    /// <summary>Probes until canceled; <paramref name="report"/> gets the channel's state whenever it changes (and once at first).</summary>
    public async Task RunAsync(Action<bool> report, CancellationToken cancellationToken)
    {
        bool? last = null;
        var states = _tunnels.ToDictionary(t => t, _ => (bool?)null);
        using var timer = new PeriodicTimer(_options.HealthCheckInterval, _time);
        try
        {
            do
            {
                foreach (var tunnel in _tunnels)
                {
                    var serving = await ProbeAsync(tunnel.Target, cancellationToken);
                    if (states[tunnel] != serving)
                    {
                        states[tunnel] = serving;
                        _observer.OnHealthChanged(tunnel, serving);
                    }
                }

                var all = states.Values.All(s => s == true);
                if (last != all)
                {
                    last = all;
                    report(all);
                }
            }
            while (await timer.WaitForNextTickAsync(cancellationToken));
        }
        catch (OperationCanceledException)
        {
        }
    }

    public void Dispose() => _http.Dispose();

    private async Task<bool> ProbeAsync(TunnelTarget target, CancellationToken cancellationToken)
    {
        try
        {
            using var response = await _http.GetAsync(new Uri($"http://{target.LocalAddress}{target.HealthCheckPath}"), HttpCompletionOption.ResponseHeadersRead, cancellationToken);
            return (int)response.StatusCode is >= 200 and < 400;
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            return false;
        }
    }
}
