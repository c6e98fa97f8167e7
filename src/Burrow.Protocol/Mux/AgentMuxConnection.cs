using System.IO.Pipelines;
using System.Threading.Channels;
using Burrow.Protocol.Handshake;
using Microsoft.Extensions.Logging;

namespace Burrow.Protocol.Mux;

/// <summary>The agent's end of a channel: it accepts the streams the server opens, one per public connection.</summary>
public sealed class AgentMuxConnection : MuxConnection
{
    private readonly Channel<MuxStream> _accepted = Channel.CreateUnbounded<MuxStream>(new UnboundedChannelOptions { SingleReader = false, SingleWriter = true });

    public AgentMuxConnection(IDuplexPipe transport, ChannelKeys keys, MuxOptions options, ILogger logger, TimeProvider? timeProvider = null, string? name = null)
        : base(transport, keys, options, logger, timeProvider, name ?? "agent", sharedBudget: null)
    {
    }

    /// <summary>The next stream the server opened, or null once the channel is closed.</summary>
    public async ValueTask<MuxStream?> AcceptStreamAsync(CancellationToken cancellationToken)
    {
        while (await _accepted.Reader.WaitToReadAsync(cancellationToken))
        {
            if (_accepted.Reader.TryRead(out var stream))
            {
                return stream;
            }
        }

        return null;
    }

    /// <summary>Tells the server whether the local server is serving (HEALTH); it stops sending streams while it is not.</summary>
    public void ReportHealth(bool serving)
        => EnqueueControl(new ControlFrame(FrameType.Health, 0, serving ? 0 : 1), fromPeer: false);

    private protected override void OnHealthFrame(bool serving)
        => throw new ProtocolException(ProtocolErrorCode.ProtocolError, "The server may not send HEALTH.");

    private protected override void OnOpenFrame(in FrameHeader header, ReadOnlySpan<byte> payload)
    {
        var host = FrameReader.ReadHost(payload);
        MuxStream? stream = null;
        string? refusal = null;
        var draining = false;
        lock (StreamsLock)
        {
            if (header.StreamId <= LastStreamId)
            {
                throw new ProtocolException(ProtocolErrorCode.ProtocolError, $"OPEN for stream {header.StreamId} does not increase the stream id (last {LastStreamId}).");
            }

            LastStreamId = header.StreamId;
            if (IsDraining)
            {
                draining = true;
                refusal = "the agent is going away";
            }
            else if (Streams.Count >= Options.MaxConcurrentStreams)
            {
                refusal = $"the agent already carries {Options.MaxConcurrentStreams} streams";
            }
            else
            {
                stream = new MuxStream(this, header.StreamId, host, Options, awaitAccept: false);
                Streams.Add(stream.Id, stream);
            }
        }

        if (stream is null)
        {
            LogStreamRefused(header.StreamId, refusal!, draining);
            EnqueueControl(new ControlFrame(FrameType.Reset, header.StreamId, 0, ProtocolErrorCode.RefusedStream, refusal), fromPeer: true);
            return;
        }

        _accepted.Writer.TryWrite(stream);
    }

    private protected override void OnAcceptFrame(in FrameHeader header)
        => throw new ProtocolException(ProtocolErrorCode.ProtocolError, "The server may not send ACCEPT.");

    private protected override void OnStreamsFailed() => _accepted.Writer.TryComplete();
}
