using System.Net;
using System.Net.Sockets;
using Burrow.Agent;
using Burrow.Server.Accounts;
using Burrow.Server.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Burrow.Testing;

/// <summary>
/// A real Burrow server (Kestrel on 127.0.0.1, ports 0, a fresh data directory) plus helpers to create users, start
/// real in-process agents and make public requests the way a browser would (http://NAME.localhost:PORT/...).
/// </summary>
public sealed class TunnelTestHost : IAsyncDisposable
{
    private readonly List<RunningAgent> _agents = [];

    private TunnelTestHost(BurrowServer server, string dataDirectory, CapturingLoggerProvider logs)
    {
        Server = server;
        DataDirectory = dataDirectory;
        Logs = logs;
        PublicClient = CreatePublicClient();
    }

    public BurrowServer Server { get; }

    /// <summary>The server's data directory (deleted when the host is disposed).</summary>
    public string DataDirectory { get; }

    public CapturingLoggerProvider Logs { get; }

    /// <summary>Connects every request to the server's HTTP port, whatever host the URL names.</summary>
    public HttpClient PublicClient { get; }

    internal AccountStore Accounts => Server.Services.GetRequiredService<AccountStore>();

    public Uri ApiUri => new($"http://localhost:{Server.HttpPort}/api/tunnels");

    public static Task<TunnelTestHost> StartAsync(Action<ServerSettings>? configure = null, TimeProvider? timeProvider = null)
        => StartAsync(configure, timeProvider, dataDirectory: null);

    /// <summary>Starts a server; with <paramref name="dataDirectory"/> it reuses an earlier server's data.</summary>
    public static async Task<TunnelTestHost> StartAsync(Action<ServerSettings>? configure, TimeProvider? timeProvider, string? dataDirectory)
    {
        dataDirectory ??= Path.Combine(Path.GetTempPath(), "burrow-test-" + Guid.NewGuid().ToString("N"));
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Domain"] = "localhost",
            ["ListenAddress"] = "127.0.0.1",
            ["HttpPort"] = "0",
            ["ChannelPort"] = "0",
            ["DataDirectory"] = dataDirectory,
            ["ShutdownGracePeriod"] = "00:00:05",
            ["AdminPort"] = "0",
        }).Build();
        var settings = new ServerSettings();
        configure?.Invoke(settings);
        var logs = new CapturingLoggerProvider();
        var server = BurrowServer.Create(configuration, logging => logging.AddProvider(logs).SetMinimumLevel(LogLevel.Debug), timeProvider, settings.ApplyTo);
        await server.StartAsync();
        return new TunnelTestHost(server, dataDirectory, logs);
    }

    public Uri PublicUri(string name, string pathAndQuery = "/") => new($"http://{name}.localhost:{Server.HttpPort}{pathAndQuery}");

    public (string User, string Token) CreateUser(string name, int maxTunnels = 10)
    {
        var token = Accounts.AddUser(name, maxTunnels);
        return (token.UserName, token.Token);
    }

    public AgentOptions AgentOptions(string user, string token, params TunnelTarget[] tunnels) => new()
    {
        Server = new Uri($"http://127.0.0.1:{Server.HttpPort}"),
        User = user,
        Token = token,
        Tunnels = [.. tunnels],
        InitialReconnectDelay = TimeSpan.FromMilliseconds(100),
        MaxReconnectDelay = TimeSpan.FromSeconds(1),
    };

    /// <summary>Starts an agent; returns once it is online (or throws what it failed with).</summary>
    public Task<RunningAgent> StartAgentAsync(AgentOptions options) => StartAgentAsync(options, null);

    /// <summary>Starts an agent tapping into a request inspector's store; returns once it is online.</summary>
    internal async Task<RunningAgent> StartAgentAsync(AgentOptions options, Burrow.Agent.Inspection.Capture.ExchangeStore? capture)
    {
        var agent = RunningAgent.Start(options, capture);
        _agents.Add(agent);
        await agent.WaitOnlineAsync();
        return agent;
    }

    public Task<RunningAgent> StartAgentAsync(string user, string token, string name, int localPort)
        => StartAgentAsync(AgentOptions(user, token, new TunnelTarget(name, "127.0.0.1", localPort)));

    public async ValueTask DisposeAsync()
    {
        foreach (var agent in _agents)
        {
            await agent.DisposeAsync();
        }

        PublicClient.Dispose();
        await Server.DisposeAsync();
        try
        {
            Directory.Delete(DataDirectory, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    /// <summary>An invoker for ClientWebSocket that, like <see cref="PublicClient"/>, always dials the server's HTTP port.</summary>
    public HttpMessageInvoker CreatePublicInvoker() => new(CreateHandler(), disposeHandler: true);

    private HttpClient CreatePublicClient() => new(CreateHandler(), disposeHandler: true) { Timeout = TimeSpan.FromSeconds(120) };

    private SocketsHttpHandler CreateHandler()
    {
        return new SocketsHttpHandler
        {
            UseProxy = false,
            AllowAutoRedirect = false,
            PooledConnectionLifetime = TimeSpan.FromMinutes(1),
            ConnectCallback = async (context, cancellationToken) =>
            {
                var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, Server.HttpPort), cancellationToken);
                return new NetworkStream(socket, ownsSocket: true);
            },
        };
    }
}
