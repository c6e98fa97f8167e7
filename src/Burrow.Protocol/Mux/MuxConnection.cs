using System.Collections.Concurrent;
using System.Diagnostics;
using System.IO.Pipelines;
using System.Threading.Channels;
using Burrow.Protocol.Handshake;
using Burrow.Protocol.Mux.FlowControl;
using Burrow.Protocol.Records;
using Microsoft.Extensions.Logging;

namespace Burrow.Protocol.Mux;

/// <summary>
/// One authenticated channel carrying many streams. It owns exactly one reader loop (records in, frames dispatched),
/// one writer loop (control frames and round-robin DATA coalesced into records) and one keepalive loop.
/// Streams are opened by the server only (<see cref="OpenStreamAsync"/>) and accepted by the agent
/// (<see cref="AcceptStreamAsync"/>). The wire format is in docs/protocol.md.
/// </summary>
public sealed partial class MuxConnection : IAsyncDisposable
{
    private readonly IDuplexPipe _transport;
    private readonly RecordSealer _sealer;
    private readonly RecordOpener _opener;
    private readonly MuxOptions _options;
    private readonly ILogger _logger;
    private readonly bool _isServer;
    private readonly Dictionary<uint, MuxStream> _streams = [];
    private readonly Lock _streamsLock = new();
    private readonly Channel<MuxStream>? _accepted;
    private readonly ConcurrentQueue<ControlFrame> _control = new();
    private readonly ConcurrentQueue<MuxStream> _ready = new();
    private readonly AsyncSignal _writerSignal = new();
    private readonly SendWindow _sendWindow = new(FlowControlLimits.InitialWindowSize);
    private readonly ReceiveWindow _receiveWindow;
    private readonly CancellationTokenSource _stopping = new();
    private readonly TaskCompletionSource<MuxCloseReason> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource<bool> _peerReady = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _drained = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _controlCount;
    private uint _lastStreamId;
    private long _lastReceiveTimestamp;
    private long _roundTripTicks = TimeSpan.TicksPerMillisecond;
    private volatile bool _goAwaySent;
    private volatile bool _goAwayReceived;
    private volatile bool _stopWriting;
    private int _closing;
    private MuxCloseReason? _closeReason;
    private int _started;

    public MuxConnection(IDuplexPipe transport, ChannelKeys keys, bool isServer, MuxOptions options, ILogger logger, TimeProvider? timeProvider = null, string? name = null)
    {
        _transport = transport;
        _sealer = keys.CreateSealer();
        _opener = keys.CreateOpener();
        _isServer = isServer;
        _options = options.Validate();
        _logger = logger;
        TimeProvider = timeProvider ?? TimeProvider.System;
        Name = name ?? (isServer ? "server" : "agent");
        _receiveWindow = new ReceiveWindow(FlowControlLimits.InitialWindowSize, options.ConnectionWindowSize, TimeProvider.GetTimestamp());
        _lastReceiveTimestamp = TimeProvider.GetTimestamp();
        InboundPipeOptions = new PipeOptions(pauseWriterThreshold: 0, resumeWriterThreshold: 0, readerScheduler: PipeScheduler.Inline, useSynchronizationContext: false);
        OutboundPipeOptions = new PipeOptions(
            pauseWriterThreshold: options.StreamSendBufferSize,
            resumeWriterThreshold: options.StreamSendBufferSize / 2,
            readerScheduler: PipeScheduler.Inline,
            useSynchronizationContext: false);
        if (!isServer)
        {
            _accepted = Channel.CreateUnbounded<MuxStream>(new UnboundedChannelOptions { SingleReader = false, SingleWriter = true });
        }
    }

    /// <summary>
    /// Options for every stream's inbound pipe, made once per channel. The pipe never pauses (the receive window bounds
    /// it), and its reader (YARP's HttpClient, the agent's copy loop) resumes inline on the reader loop: one thread hop
    /// less per read, and those continuations only ever await.
    /// </summary>
    internal PipeOptions InboundPipeOptions { get; }

    /// <summary>Options for every stream's outbound pipe: the app's writes wait beyond <see cref="MuxOptions.StreamSendBufferSize"/>.</summary>
    internal PipeOptions OutboundPipeOptions { get; }

    /// <summary>A label for logs (tunnel names and peer address); never secret.</summary>
    public string Name { get; }

    public TimeProvider TimeProvider { get; }

    /// <summary>Completes when both loops have stopped, with the reason the channel closed.</summary>
    public Task<MuxCloseReason> Completion => _completion.Task;

    /// <summary>
    /// True once a record from the peer has been opened and left the channel open (not closing, no GOAWAY); false
    /// if the channel closes or starts draining first. The server sends its first record only once the channel is
    /// routable, so the agent waits for this before it reports itself online (docs/protocol.md, "After the
    /// handshake"); a server refusing the channel sends a GOAWAY as its only record, which answers false.
    /// </summary>
    public Task<bool> PeerReady => _peerReady.Task;

    /// <summary>Raised on the reader loop when the peer sends GOAWAY; no new streams should be started after it.</summary>
    public event Action<MuxConnection, ProtocolErrorCode, string>? GoAwayReceived;

    /// <summary>True once either side announced GOAWAY or the channel is closing: open no new streams.</summary>
    public bool IsDraining => _goAwaySent || _goAwayReceived || Volatile.Read(ref _closing) != 0;

    public int ActiveStreamCount
    {
        get
        {
            lock (_streamsLock)
            {
                return _streams.Count;
            }
        }
    }

    /// <summary>Smoothed round-trip time from PINGs, at least 1 ms; used to grow stream windows.</summary>
    internal TimeSpan RoundTrip => TimeSpan.FromTicks(Math.Max(TimeSpan.TicksPerMillisecond, Volatile.Read(ref _roundTripTicks)));

    /// <summary>Starts the reader, writer and keepalive loops.</summary>
    public void Start()
    {
        if (Interlocked.Exchange(ref _started, 1) != 0)
        {
            throw new InvalidOperationException("The connection is already running.");
        }

        // Raise our channel-level receive window from the protocol's initial 64 KiB to the configured size; not on a
        // channel closed before it started (a refusal), whose GOAWAY must be the only thing the peer hears.
        var growth = Volatile.Read(ref _closing) == 0 ? _receiveWindow.Expand(_options.ConnectionWindowSize) : 0;
        if (growth > 0)
        {
            EnqueueControl(new ControlFrame(FrameType.WindowUpdate, 0, growth), fromPeer: false);
        }

        _ = RunAsync();
    }

    /// <summary>Server side: opens a stream for a public connection to <paramref name="host"/> and waits for the agent to accept it.</summary>
    public async ValueTask<MuxStream> OpenStreamAsync(string host, CancellationToken cancellationToken)
    {
        if (!_isServer)
        {
            throw new InvalidOperationException("Only the server opens streams.");
        }

        if (IsDraining)
        {
            throw new MuxStreamException(ProtocolErrorCode.RefusedStream, "The channel is closing.");
        }

        // OPEN carries the host as 1-253 LDH ASCII bytes; anything else would break the writer loop, not just this stream.
        if (host.Length is 0 or > FrameWriter.MaxHostBytes || !host.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '.'))
        {
            throw new ArgumentException($"'{host}' is not a host name OPEN can carry.", nameof(host));
        }

        MuxStream stream;
        lock (_streamsLock)
        {
            if (_streams.Count >= _options.MaxConcurrentStreams)
            {
                throw new MuxStreamException(ProtocolErrorCode.LimitExceeded, $"The channel already carries {_options.MaxConcurrentStreams} streams.");
            }

            stream = new MuxStream(this, ++_lastStreamId, host, _options, awaitAccept: true);
            _streams.Add(stream.Id, stream);

            // Queued under the lock: OPEN frames must leave in stream-id order, or the agent sees ids go backwards.
            _control.Enqueue(new ControlFrame(FrameType.Open, stream.Id, 0, Text: host));
            Interlocked.Increment(ref _controlCount);
        }

        _writerSignal.Set();

        using var timeout = new CancellationTokenSource(_options.OpenTimeout, TimeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token, _stopping.Token);
        try
        {
            await stream.WaitAcceptedAsync(linked.Token);
            return stream;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            stream.Reset(ProtocolErrorCode.Cancel, "not accepted in time");
            throw timeout.IsCancellationRequested
                ? new MuxStreamException(ProtocolErrorCode.RefusedStream, $"The agent did not accept the stream within {_options.OpenTimeout.TotalSeconds:0.#} s.")
                : new MuxStreamException(ProtocolErrorCode.ConnectionLost, "The channel closed while the stream was opening.");
        }
        catch
        {
            stream.Reset(ProtocolErrorCode.Cancel, "open abandoned");
            throw;
        }
    }

    /// <summary>Agent side: the next stream the server opened, or null once the channel is closed.</summary>
    public async ValueTask<MuxStream?> AcceptStreamAsync(CancellationToken cancellationToken)
    {
        if (_accepted is null)
        {
            throw new InvalidOperationException("Only the agent accepts streams.");
        }

        while (await _accepted.Reader.WaitToReadAsync(cancellationToken))
        {
            if (_accepted.Reader.TryRead(out var stream))
            {
                return stream;
            }
        }

        return null;
    }

    /// <summary>
    /// Graceful close: sends GOAWAY, refuses new streams, lets open streams finish within
    /// <see cref="MuxOptions.GoAwayGracePeriod"/>, then closes the channel.
    /// </summary>
    public async Task<MuxCloseReason> GoAwayAsync(string reason, CancellationToken cancellationToken = default)
    {
        if (!_goAwaySent && Volatile.Read(ref _closing) == 0)
        {
            _goAwaySent = true;
            uint lastStreamId;
            lock (_streamsLock)
            {
                lastStreamId = _lastStreamId;
            }

            EnqueueControl(new ControlFrame(FrameType.GoAway, 0, lastStreamId, ProtocolErrorCode.NoError, reason), fromPeer: false);
            Log.GoAwaySent(_logger, Name, reason);
            CheckDrained();
            try
            {
                await _drained.Task.WaitAsync(_options.GoAwayGracePeriod, TimeProvider, cancellationToken);
            }
            catch (TimeoutException)
            {
            }
            catch (OperationCanceledException)
            {
            }

            Abort(ProtocolErrorCode.NoError, reason);
        }

        return await Completion;
    }

    /// <summary>Closes the channel now: GOAWAY with <paramref name="code"/>, every stream fails.</summary>
    public void Abort(ProtocolErrorCode code, string message) => Close(code, message, byPeer: false);

    public async ValueTask DisposeAsync()
    {
        Abort(ProtocolErrorCode.NoError, "disposed");
        if (Volatile.Read(ref _started) != 0)
        {
            await Completion;
        }
    }

    internal void Schedule(MuxStream stream)
    {
        if (stream.TryMarkScheduled())
        {
            _ready.Enqueue(stream);
            _writerSignal.Set();
        }
    }

    /// <summary>
    /// Queues a control frame. Frames we send because the peer asked (PING answers, refusals) count against
    /// <see cref="MuxOptions.MaxPendingControlFrames"/>: a peer that makes us queue more than that is flooding us.
    /// </summary>
    internal void EnqueueControl(ControlFrame frame, bool fromPeer)
    {
        if (Interlocked.Increment(ref _controlCount) > _options.MaxPendingControlFrames && fromPeer)
        {
            Interlocked.Decrement(ref _controlCount);
            Close(ProtocolErrorCode.LimitExceeded, $"The peer made us queue more than {_options.MaxPendingControlFrames} control frames.", byPeer: false);
            return;
        }

        _control.Enqueue(frame);
        _writerSignal.Set();
    }

    /// <summary>Application consumed bytes: give channel credit back, batched.</summary>
    internal void OnConsumed(int count)
    {
        var increment = _receiveWindow.OnConsumed(count, TimeProvider, RoundTrip);
        if (increment > 0)
        {
            EnqueueControl(new ControlFrame(FrameType.WindowUpdate, 0, increment), fromPeer: false);
        }
    }

    /// <summary>Bytes that arrived for a stream nobody will read count as consumed for the channel window.</summary>
    internal void ReturnConnectionCredit(int count)
    {
        if (count > 0)
        {
            OnConsumed(count);
        }
    }

    internal void RemoveStream(MuxStream stream)
    {
        bool removed;
        lock (_streamsLock)
        {
            removed = _streams.Remove(stream.Id);
        }

        if (removed)
        {
            CheckDrained();
        }
    }

    private void CheckDrained()
    {
        if ((_goAwaySent || _goAwayReceived) && ActiveStreamCount == 0)
        {
            _drained.TrySetResult();
        }
    }

    private void Close(ProtocolErrorCode code, string message, bool byPeer)
    {
        if (Interlocked.Exchange(ref _closing, 1) != 0)
        {
            return;
        }

        _closeReason = new MuxCloseReason(code, message, byPeer);
        if (!byPeer && code != ProtocolErrorCode.ConnectionLost)
        {
            // Tell the peer why (best effort) before the transport closes.
            _control.Enqueue(new ControlFrame(FrameType.GoAway, 0, _lastStreamId, code, message));
        }

        _stopWriting = true;
        _peerReady.TrySetResult(false);
        _writerSignal.Set();
        _transport.Input.CancelPendingRead();
        _stopping.Cancel();

        // A peer that stops reading must not hold our writer (and its GOAWAY) forever.
        _ = Task.Delay(TimeSpan.FromSeconds(2), TimeProvider).ContinueWith(
            static (_, state) => ((IDuplexPipe)state!).Output.CancelPendingFlush(), _transport, CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default);
    }

    private async Task RunAsync()
    {
        var reader = Task.Run(ReadLoopAsync);
        var writer = Task.Run(WriteLoopAsync);
        var keepAlive = KeepAliveLoopAsync();
        try
        {
            await Task.WhenAll(reader, writer, keepAlive);
        }
        catch (Exception ex)
        {
            // A bug, not a peer's doing (the loops catch every transport and protocol failure), but whoever awaits
            // Completion (the server's drain, the agent's reconnect) must still see the channel end.
            Log.LoopFailed(_logger, Name, ex);
            Close(ProtocolErrorCode.InternalError, "internal error", byPeer: false);
        }

        var reason = _closeReason ?? new MuxCloseReason(ProtocolErrorCode.ConnectionLost, "The channel closed.", ByPeer: true);
        LogClosed(reason);
        _sealer.Dispose();
        _opener.Dispose();

        // _stopping is not disposed: it owns no timer, and OpenStreamAsync may still link to it after the loops end
        // (it checked IsDraining just before the close), where a disposed source would throw ObjectDisposedException.
        _completion.TrySetResult(reason);
    }

    private void LogClosed(MuxCloseReason reason)
    {
        Debug.Assert(Volatile.Read(ref _closing) != 0);
        if (reason.Code is ProtocolErrorCode.NoError or ProtocolErrorCode.ConnectionLost)
        {
            Log.Closed(_logger, Name, reason.Code, reason.Message, reason.ByPeer);
        }
        else if (reason.Code == ProtocolErrorCode.KeepaliveTimeout)
        {
            Log.KeepaliveTimeout(_logger, Name, reason.Message);
        }
        else
        {
            Log.ProtocolError(_logger, Name, reason.Code, reason.Message, reason.ByPeer);
        }
    }
}
