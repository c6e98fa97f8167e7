using System.IO.Pipelines;
using System.Security.Cryptography;
using Burrow.Protocol.Handshake;
using Burrow.Protocol.Mux;
using Burrow.Protocol.Mux.FlowControl;
using Burrow.Protocol.Records;
using Microsoft.Extensions.Logging.Abstractions;

namespace Burrow.Protocol.Tests.Infrastructure;

/// <summary>Builds channels over in-memory pipes: two real ends, or one real end and a raw scripted peer.</summary>
internal static class MuxPair
{
    public static (ServerMuxConnection Server, AgentMuxConnection Agent) Create(MuxOptions? options = null, TimeProvider? time = null, bool start = true)
    {
        var (agentKeys, serverKeys) = Keys();
        var pipes = new DuplexPipePair();
        var server = new ServerMuxConnection(pipes.Server, serverKeys, options ?? new MuxOptions(), NullLogger.Instance, time);
        var agent = new AgentMuxConnection(pipes.Agent, agentKeys, options ?? new MuxOptions(), NullLogger.Instance, time);
        if (start)
        {
            server.Start();
            agent.Start();
        }

        return (server, agent);
    }

    /// <summary>A real connection (server or agent side) and a raw peer that writes whatever records a test scripts.</summary>
    public static (MuxConnection Real, RawPeer Peer) CreateWithRawPeer(bool realIsServer, MuxOptions? options = null, TimeProvider? time = null, PipeOptions? pipeOptions = null, bool start = true, BufferBudget? sharedBudget = null)
    {
        var (agentKeys, serverKeys) = Keys();
        var pipes = new DuplexPipePair(pipeOptions);
        MuxConnection real = realIsServer
            ? new ServerMuxConnection(pipes.Server, serverKeys, options ?? new MuxOptions(), NullLogger.Instance, time, sharedBudget: sharedBudget)
            : new AgentMuxConnection(pipes.Agent, agentKeys, options ?? new MuxOptions(), NullLogger.Instance, time);
        if (start)
        {
            real.Start();
        }

        var peer = new RawPeer(realIsServer ? pipes.Agent : pipes.Server, realIsServer ? agentKeys : serverKeys);
        return (real, peer);
    }

    /// <summary>A real server end and a raw scripted agent.</summary>
    public static (ServerMuxConnection Real, RawPeer Peer) CreateServerWithRawPeer(MuxOptions? options = null, TimeProvider? time = null, PipeOptions? pipeOptions = null, bool start = true, BufferBudget? sharedBudget = null)
    {
        var (real, peer) = CreateWithRawPeer(realIsServer: true, options, time, pipeOptions, start, sharedBudget);
        return ((ServerMuxConnection)real, peer);
    }

    /// <summary>A real agent end and a raw scripted server.</summary>
    public static (AgentMuxConnection Real, RawPeer Peer) CreateAgentWithRawPeer(MuxOptions? options = null, TimeProvider? time = null, PipeOptions? pipeOptions = null, bool start = true)
    {
        var (real, peer) = CreateWithRawPeer(realIsServer: false, options, time, pipeOptions, start);
        return ((AgentMuxConnection)real, peer);
    }

    public static (ChannelKeys Agent, ChannelKeys Server) Keys()
    {
        var key = RandomNumberGenerator.GetBytes(32);
        var agentNonce = RandomNumberGenerator.GetBytes(32);
        var serverNonce = RandomNumberGenerator.GetBytes(32);
        return (ChannelKeys.Derive(key, agentNonce, serverNonce, isServer: false), ChannelKeys.Derive(key, agentNonce, serverNonce, isServer: true));
    }
}

/// <summary>A scripted, possibly hostile peer: seals whatever frames a test composes, and can read what it is sent.</summary>
internal sealed class RawPeer
{
    private readonly IDuplexPipe _transport;
    private readonly RecordSealer _sealer;
    private readonly RecordOpener _opener;
    private readonly Queue<(FrameHeader Header, byte[] Payload)> _unread = new();

    public RawPeer(IDuplexPipe transport, ChannelKeys keys)
    {
        _transport = transport;
        _sealer = keys.CreateSealer();
        _opener = keys.CreateOpener();
    }

    public IDuplexPipe Transport => _transport;

    public async Task SendRecordAsync(byte[] plaintext, Action<byte[]>? tamper = null)
    {
        var record = new byte[plaintext.Length + RecordLayout.Overhead];
        _sealer.Seal(plaintext, record);
        tamper?.Invoke(record);
        await _transport.Output.WriteAsync(record);
    }

    public Task SendFramesAsync(params Func<byte[], int>[] frames)
    {
        var buffer = new byte[RecordLayout.MaxPlaintextSize];
        var used = 0;
        foreach (var frame in frames)
        {
            var scratch = new byte[RecordLayout.MaxPlaintextSize];
            var n = frame(scratch);
            scratch.AsSpan(0, n).CopyTo(buffer.AsSpan(used));
            used += n;
        }

        return SendRecordAsync(buffer[..used]);
    }

    /// <summary>
    /// Reads frames until one of <paramref name="type"/> (and, if given, on <paramref name="streamId"/>); returns its
    /// header and payload. Frames after it in the same record are kept for the next call.
    /// </summary>
    public async Task<(FrameHeader Header, byte[] Payload)> ReadFrameAsync(FrameType type, uint? streamId = null)
    {
        var scratch = new byte[RecordLayout.MaxRecordSize];
        while (true)
        {
            while (_unread.TryDequeue(out var frame))
            {
                if (frame.Header.Type == type && (streamId is null || frame.Header.StreamId == streamId))
                {
                    return frame;
                }
            }

            var result = await _transport.Input.ReadAsync();
            var buffer = result.Buffer;
            while (_opener.TryOpen(ref buffer, scratch, out var length))
            {
                var reader = new FrameReader(scratch.AsSpan(0, length));
                while (reader.TryRead(out var header, out var payload))
                {
                    _unread.Enqueue((header, payload.ToArray()));
                }
            }

            _transport.Input.AdvanceTo(buffer.Start, buffer.End);
            if (_unread.Count == 0 && result.IsCompleted)
            {
                throw new InvalidOperationException($"The channel closed before a {type} frame.");
            }
        }
    }

    /// <summary>Reads and discards everything the real side sends, until it closes the transport or the token fires.</summary>
    public async Task DrainAsync(CancellationToken cancellationToken)
    {
        try
        {
            while (true)
            {
                var result = await _transport.Input.ReadAsync(cancellationToken);
                _transport.Input.AdvanceTo(result.Buffer.End);
                if (result.IsCompleted)
                {
                    return;
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    /// <summary>Every frame type the real side sends, in order, until it closes the transport.</summary>
    public async Task<List<FrameType>> ReadFrameTypesUntilClosedAsync()
    {
        var scratch = new byte[RecordLayout.MaxRecordSize];
        var types = new List<FrameType>();
        while (true)
        {
            var result = await _transport.Input.ReadAsync();
            var buffer = result.Buffer;
            while (_opener.TryOpen(ref buffer, scratch, out var length))
            {
                var reader = new FrameReader(scratch.AsSpan(0, length));
                while (reader.TryRead(out var header, out _))
                {
                    types.Add(header.Type);
                }
            }

            _transport.Input.AdvanceTo(buffer.Start, buffer.End);
            if (result.IsCompleted)
            {
                return types;
            }
        }
    }

}
