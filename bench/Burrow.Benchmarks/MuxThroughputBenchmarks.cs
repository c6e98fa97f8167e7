using System.IO.Pipelines;
using System.Security.Cryptography;
using BenchmarkDotNet.Attributes;
using Burrow.Protocol.Handshake;
using Burrow.Protocol.Mux;
using Microsoft.Extensions.Logging.Abstractions;

namespace Burrow.Benchmarks;

/// <summary>16 MiB through one stream of a real channel pair over in-memory pipes: the protocol's cost without sockets.</summary>
[MemoryDiagnoser]
public class MuxThroughputBenchmarks
{
    private const int Total = 16 * 1024 * 1024;
    private readonly byte[] _chunk = RandomNumberGenerator.GetBytes(64 * 1024);
    private readonly byte[] _receive = new byte[64 * 1024];
    private ServerMuxConnection _server = null!;
    private AgentMuxConnection _agent = null!;

    [GlobalSetup]
    public void Setup()
    {
        var key = RandomNumberGenerator.GetBytes(32);
        var nonce = RandomNumberGenerator.GetBytes(32);
        var toServer = new Pipe();
        var toAgent = new Pipe();
        _server = new ServerMuxConnection(new Duplex(toServer.Reader, toAgent.Writer), ChannelKeys.Derive(key, nonce, nonce, isServer: true), new MuxOptions(), NullLogger.Instance);
        _agent = new AgentMuxConnection(new Duplex(toAgent.Reader, toServer.Writer), ChannelKeys.Derive(key, nonce, nonce, isServer: false), new MuxOptions(), NullLogger.Instance);
        _server.Start();
        _agent.Start();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _server.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _agent.DisposeAsync().AsTask().GetAwaiter().GetResult();
    }

    [Benchmark(Description = "16 MiB through one stream")]
    public async Task<long> SixteenMiB()
    {
        var accept = Task.Run(async () =>
        {
            var stream = (await _agent.AcceptStreamAsync(CancellationToken.None))!;
            stream.Accept();
            return stream;
        });
        await using var sender = await _server.OpenStreamAsync("bench.localhost", CancellationToken.None);
        await using var receiver = await accept;
        var writing = Task.Run(async () =>
        {
            for (var sent = 0; sent < Total; sent += _chunk.Length)
            {
                await sender.WriteAsync(_chunk);
            }

            sender.CompleteWrites();
        });

        long received = 0;
        int read;
        while ((read = await receiver.ReadAsync(_receive)) > 0)
        {
            received += read;
        }

        await writing;
        receiver.CompleteWrites();
        return received;
    }

    private sealed record Duplex(PipeReader Input, PipeWriter Output) : IDuplexPipe;
}
