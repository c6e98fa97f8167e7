using System.Net;
using System.Text.Json;
using Burrow.Agent.Inspection;
using Burrow.Agent.Inspection.Capture;
using Burrow.Testing;

namespace Burrow.Agent.Tests.Inspection;

/// <summary>
/// A real server, a real local server, a real request inspector (Kestrel on 127.0.0.1, port 0) and a real agent
/// tapping into it: what `burrow http` runs, in process.
/// </summary>
internal sealed class InspectorRig : IAsyncDisposable
{
    private InspectorRig(TunnelTestHost host, LocalTestServer local, RequestInspector inspector, RunningAgent agent)
    {
        Host = host;
        Local = local;
        Inspector = inspector;
        Agent = agent;
        Api = new HttpClient(new SocketsHttpHandler { UseProxy = false }) { BaseAddress = inspector.Url, Timeout = TimeSpan.FromSeconds(60) };
    }

    public TunnelTestHost Host { get; }

    public LocalTestServer Local { get; }

    public RequestInspector Inspector { get; }

    public RunningAgent Agent { get; }

    /// <summary>A client for the inspector's API.</summary>
    public HttpClient Api { get; }

    public ExchangeStore Store => Inspector.Store;

    /// <summary>Starts everything; <paramref name="names"/> are the tunnels (all to the one local server).</summary>
    public static async Task<InspectorRig> StartAsync(Action<InspectorOptions>? configure = null, params string[] names)
    {
        var host = await TunnelTestHost.StartAsync();
        var local = await LocalTestServer.StartAsync();
        var options = new InspectorOptions { Address = new IPEndPoint(IPAddress.Loopback, 0) };
        configure?.Invoke(options);
        var inspector = await RequestInspector.StartAsync(options);
        var (user, token) = host.CreateUser("alice");
        names = names.Length == 0 ? ["inspect"] : names;
        var agentOptions = host.AgentOptions(user, token, [.. names.Select(n => new TunnelTarget(n, "127.0.0.1", local.Port))]);
        var agent = await host.StartAgentAsync(agentOptions, inspector.Store);
        return new InspectorRig(host, local, inspector, agent);
    }

    public Uri Public(string pathAndQuery, string name = "inspect") => Host.PublicUri(name, pathAndQuery);

    /// <summary>The newest exchange whose list fields satisfy <paramref name="predicate"/>, once it is complete; waits for it.</summary>
    public async Task<CapturedExchange> WaitForAsync(Func<CapturedExchange, bool> predicate, TimeSpan? timeout = null)
    {
        using var subscription = Store.Subscribe();
        using var deadline = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(20));
        while (true)
        {
            var found = Store.Snapshot().LastOrDefault(e => e.State == ExchangeState.Complete && predicate(e));
            if (found is not null)
            {
                return found;
            }

            await subscription.Events.ReadAsync(deadline.Token);
        }
    }

    /// <summary>GET on the inspector API, parsed.</summary>
    public async Task<JsonElement> GetJsonAsync(string pathAndQuery)
    {
        using var response = await Api.GetAsync(pathAndQuery);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{pathAndQuery}: {(int)response.StatusCode} {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    public Task<JsonElement> DetailAsync(long id, string query = "") => GetJsonAsync($"/api/requests/{id}{query}");

    public async ValueTask DisposeAsync()
    {
        Api.Dispose();
        await Agent.DisposeAsync();
        await Inspector.DisposeAsync();
        await Local.DisposeAsync();
        await Host.DisposeAsync();
    }
}
