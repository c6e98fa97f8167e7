using System.IO.Pipelines;
using Burrow.Protocol.Handshake;
using Burrow.Protocol.Mux.FlowControl;
using Microsoft.Extensions.Logging;

namespace Burrow.Protocol.Mux;

/// <summary>The server's end of a channel: it opens one stream per public connection and waits for the agent's ACCEPT.</summary>
public sealed class ServerMuxConnection : MuxConnection
{
    private readonly BufferBudget? _sharedBudget;

    /// <param name="sharedBudget">The server-wide budget this channel's buffers count against; spent, new streams are refused.</param>
    public ServerMuxConnection(IDuplexPipe transport, ChannelKeys keys, MuxOptions options, ILogger logger, TimeProvider? timeProvider = null, string? name = null, BufferBudget? sharedBudget = null)
        : base(transport, keys, options, logger, timeProvider, name ?? "server", sharedBudget)
    {
        _sharedBudget = sharedBudget;
    }

    /// <summary>Opens a stream for a public connection to <paramref name="host"/> and waits for the agent to accept it.</summary>
    public async ValueTask<MuxStream> OpenStreamAsync(string host, CancellationToken cancellationToken)
    {
        if (IsDraining)
        {
            throw new MuxStreamException(ProtocolErrorCode.RefusedStream, "The channel is closing.");
        }

        if (_sharedBudget is { IsExhausted: true })
        {
            throw new MuxStreamException(ProtocolErrorCode.RefusedStream, "The server's buffer budget is spent; no new streams for now.");
        }

        // OPEN carries the host as 1-253 LDH ASCII bytes; anything else would break the writer loop, not just this stream.
        if (host.Length is 0 or > FrameWriter.MaxHostBytes || !host.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '.'))
        {
            throw new ArgumentException($"'{host}' is not a host name OPEN can carry.", nameof(host));
        }

        MuxStream stream;
        lock (StreamsLock)
        {
            if (Streams.Count >= Options.MaxConcurrentStreams)
            {
                throw new MuxStreamException(ProtocolErrorCode.LimitExceeded, $"The channel already carries {Options.MaxConcurrentStreams} streams.");
            }

            stream = new MuxStream(this, ++LastStreamId, host, Options, awaitAccept: true);
            Streams.Add(stream.Id, stream);

            // Queued under the lock: OPEN frames must leave in stream-id order, or the agent sees ids go backwards.
            EnqueueOrderedControl(new ControlFrame(FrameType.Open, stream.Id, 0, Text: host));
            if (stream.TakeInitialWindowGrowth() is var growth and > 0)
            {
                EnqueueOrderedControl(new ControlFrame(FrameType.WindowUpdate, stream.Id, growth));
            }
        }

        WakeWriter();

        using var timeout = new CancellationTokenSource(Options.OpenTimeout, TimeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token, Stopping);
        try
        {
            await stream.WaitAcceptedAsync(linked.Token);
            return stream;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            stream.Reset(ProtocolErrorCode.Cancel, "not accepted in time");
            throw timeout.IsCancellationRequested
                ? new MuxStreamException(ProtocolErrorCode.RefusedStream, $"The agent did not accept the stream within {Options.OpenTimeout.TotalSeconds:0.#} s.")
                : new MuxStreamException(ProtocolErrorCode.ConnectionLost, "The channel closed while the stream was opening.");
        }
        catch
        {
            stream.Reset(ProtocolErrorCode.Cancel, "open abandoned");
            throw;
        }
    }

    private protected override void OnOpenFrame(in FrameHeader header, ReadOnlySpan<byte> payload)
        => throw new ProtocolException(ProtocolErrorCode.ProtocolError, "The agent may not open streams.");

    private protected override void OnAcceptFrame(in FrameHeader header) => FindStream(header)?.OnAccepted();

    /// <summary>
    /// Raised on the reader loop when the agent reports whether its local server is serving (HEALTH). A channel whose
    /// agent reports "not serving" should get no new streams while another channel can take them.
    /// </summary>
    public event Action<ServerMuxConnection, bool>? HealthReported;

    private protected override void OnHealthFrame(bool serving) => HealthReported?.Invoke(this, serving);

    private protected override void OnStreamsFailed()
    {
    }
}
