using Burrow.Agent;

namespace Burrow.Testing;

/// <summary>
/// The setup most end-to-end tests share: a real server (<see cref="TunnelTestHost"/>), a real local server
/// (<see cref="LocalTestServer"/>), one user (alice) and, unless the test starts its own, an agent of hers serving
/// <see cref="Name"/> on the local server. Disposing it stops the agents, then the server, then the local server.
/// </summary>
public sealed class TunnelScenario : IAsyncDisposable
{
    private readonly RunningAgent? _agent;

    private TunnelScenario(TunnelTestHost host, LocalTestServer local, (string User, string Token) user, string name, RunningAgent? agent)
    {
        Host = host;
        Local = local;
        User = user.User;
        Token = user.Token;
        Name = name;
        _agent = agent;
    }

    public TunnelTestHost Host { get; }

    public LocalTestServer Local { get; }

    public string User { get; }

    public string Token { get; }

    /// <summary>The tunnel name the scenario's agent serves (or the one a test's own agent is meant to).</summary>
    public string Name { get; }

    /// <summary>The agent started with the scenario, online.</summary>
    public RunningAgent Agent => _agent ?? throw new InvalidOperationException("This scenario was started without an agent.");

    public HttpClient PublicClient => Host.PublicClient;

    /// <summary>
    /// Starts the server (adjusted by <paramref name="server"/>, on <paramref name="timeProvider"/>'s clock), the
    /// local server and alice; with <paramref name="startAgent"/>, also her agent for <paramref name="name"/>, and
    /// returns once it is online.
    /// </summary>
    public static async Task<TunnelScenario> StartAsync(string name, Action<ServerSettings>? server = null, TimeProvider? timeProvider = null, bool startAgent = true)
    {
        var host = await TunnelTestHost.StartAsync(server, timeProvider);
        LocalTestServer? local = null;
        try
        {
            local = await LocalTestServer.StartAsync();
            var user = host.CreateUser("alice");
            var agent = startAgent ? await host.StartAgentAsync(user.User, user.Token, name, local.Port) : null;
            return new TunnelScenario(host, local, user, name, agent);
        }
        catch
        {
            await host.DisposeAsync();
            if (local is not null)
            {
                await local.DisposeAsync();
            }

            throw;
        }
    }

    /// <summary>The public URL of the scenario's tunnel, as a browser would call it.</summary>
    public Uri PublicUri(string pathAndQuery = "/") => Host.PublicUri(Name, pathAndQuery);

    /// <summary>Agent options for alice serving <paramref name="name"/> (default: the scenario's) on the local server.</summary>
    public AgentOptions AgentOptions(string? name = null) => Host.AgentOptions(User, Token, new TunnelTarget(name ?? Name, "127.0.0.1", Local.Port));

    /// <summary>Starts another agent of alice's for <paramref name="name"/> on the local server; returns once it is online.</summary>
    public Task<RunningAgent> StartAgentAsync(string name) => Host.StartAgentAsync(AgentOptions(name));

    public async ValueTask DisposeAsync()
    {
        await Host.DisposeAsync();
        await Local.DisposeAsync();
    }
}
