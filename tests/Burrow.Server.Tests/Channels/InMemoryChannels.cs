using System.IO.Pipelines;
using System.Security.Cryptography;
using Burrow.Protocol.Handshake;
using Burrow.Protocol.Mux;
using Burrow.Server.Channels;
using Burrow.Server.Limits;
using Burrow.Server.Policy;
using Burrow.Server.Registration;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Burrow.Server.Tests.Channels;

/// <summary>
/// Real <see cref="TunnelChannel"/>s for unit tests without sockets: each runs a real <see cref="ServerMuxConnection"/>
/// over in-memory pipes whose agent end nobody reads, on a fake clock that only a test moves (so keepalive and drain
/// grace never fire by themselves). Disposing closes every channel's connection.
/// </summary>
internal sealed class InMemoryChannels : IAsyncDisposable
{
    private readonly List<ServerMuxConnection> _connections = [];

    private InMemoryChannels(int maxRequestsPerUser)
    {
        Registry = new TunnelRegistry(Options.Create(new LimitOptions { MaxRequestsPerUser = maxRequestsPerUser }));
    }

    public FakeTimeProvider Time { get; } = new();

    public TunnelRegistry Registry { get; }

    /// <summary>An empty registry; channels come from <see cref="Create"/>.</summary>
    public static InMemoryChannels Start(int maxRequestsPerUser = 1000) => new(maxRequestsPerUser);

    /// <summary>A pending channel of user <paramref name="userId"/> for <paramref name="names"/>; <paramref name="pooled"/> joins instead of replacing.</summary>
    public TunnelChannel Create(long userId, string[] names, bool pooled = false, IReadOnlyDictionary<string, TunnelPolicy>? policies = null)
    {
        var toServer = new Pipe();
        var toAgent = new Pipe();
        var keys = ChannelKeys.Derive(RandomNumberGenerator.GetBytes(32), new byte[32], new byte[32], isServer: true);
        var connection = new ServerMuxConnection(new End(toServer.Reader, toAgent.Writer), keys, new MuxOptions(), NullLogger.Instance, Time, string.Join(',', names));
        connection.Start();
        _connections.Add(connection);
        var registration = new PendingRegistration(ChannelTicket.Create(), userId, $"user{userId}", 1, names, MaxTunnels: 10, NameQuota: 10, pooled, Time.GetUtcNow().AddSeconds(30))
        {
            Policies = policies ?? new Dictionary<string, TunnelPolicy>(),
        };
        return new TunnelChannel(connection, registration, name => $"{name}.example.com", "127.0.0.1:40000", Registry, TimeSpan.FromSeconds(10));
    }

    /// <summary>A live channel (as if the registry had admitted it) without routing it anywhere.</summary>
    public TunnelChannel CreateLive(long userId, params string[] names)
    {
        var channel = Create(userId, names);
        channel.MarkLive();
        return channel;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var connection in _connections)
        {
            await connection.DisposeAsync();
        }
    }

    private sealed record End(PipeReader Input, PipeWriter Output) : IDuplexPipe;
}
