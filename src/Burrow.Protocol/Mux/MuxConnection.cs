using System.Collections.Concurrent;
using System.Diagnostics;
using System.IO.Pipelines;
using Burrow.Protocol.Handshake;
using Burrow.Protocol.Mux.FlowControl;
using Burrow.Protocol.Records;
using Microsoft.Extensions.Logging;

namespace Burrow.Protocol.Mux;

/// <summary>
/// One authenticated channel carrying many streams. It owns exactly one reader loop (records in, frames dispatched),
/// one writer loop (control frames and round-robin DATA coalesced into records) and one keepalive loop. The two ends
/// are different types: the server opens streams (<see cref="ServerMuxConnection"/>), the agent accepts them
/// (<see cref="AgentMuxConnection"/>). The wire format is in docs/protocol.md.
/// </summary>
public abstract partial class MuxConnection : IAsyncDisposable
{
    private readonly IDuplexPipe _transport;
    private readonly RecordSealer _sealer;
    private readonly RecordOpener _opener;
    private readonly ILogger _logger;
    private readonly ConcurrentQueue<ControlFrame> _control = new();
    private readonly ConcurrentQueue<MuxStream> _ready = new();
    private readonly AsyncSignal _writerSignal = new();
    private readonly SendWindow _sendWindow = new(FlowControlLimits.InitialWindowSize);
    private readonly ReceiveWindow _receiveWindow;
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Usage", "CA2213", Justification = "Owns no timer; OpenStreamAsync may still link to it after the loops end, where a disposed source would throw.")]
    private readonly CancellationTokenSource _stopping = new();
    private readonly TaskCompletionSource<MuxCloseReason> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource<bool> _peerReady = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _drained = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _controlCount;
    private long _lastReceiveTimestamp;
    private long _roundTripTicks = TimeSpan.TicksPerMillisecond;
    private volatile bool _goAwaySent;
    private volatile bool _goAwayReceived;
    private volatile bool _stopWriting;
    private int _closing;
    private MuxCloseReason? _closeReason;
    private int _started;
    private readonly ITimer _stallTimer;
    private long _pingSentTimestamp;

    // Observability (issue 13): written by one loop each, read by metrics scrapes; no lock, no allocation.
    private long _bytesSent;
    private long _bytesReceived;
    private long _flowControlStalls;
    private int _roundTripMeasured;

    private protected MuxConnection(IDuplexPipe transport, ChannelKeys keys, MuxOptions options, ILogger logger, TimeProvider? timeProvider, string name, BufferBudget? sharedBudget)
    {
        Buffers = new ChannelBuffers(options.ChannelBufferBudget, sharedBudget);
        _stallTimer = (timeProvider ?? TimeProvider.System).CreateTimer(static state => ((MuxConnection)state!).OnWriteStalled(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        _transport = transport;
        _sealer = keys.CreateSealer();
        _opener = keys.CreateOpener();
        Options = options.Validate();
        _logger = logger;
        TimeProvider = timeProvider ?? TimeProvider.System;
        Name = name;
        _receiveWindow = new ReceiveWindow(FlowControlLimits.InitialWindowSize, options.ConnectionWindowSize, TimeProvider.GetTimestamp());
        _lastReceiveTimestamp = TimeProvider.GetTimestamp();
        InboundPipeOptions = new PipeOptions(pauseWriterThreshold: 0, resumeWriterThreshold: 0, readerScheduler: PipeScheduler.Inline, useSynchronizationContext: false);
        OutboundPipeOptions = new PipeOptions(
            pauseWriterThreshold: options.StreamSendBufferSize,
            resumeWriterThreshold: options.StreamSendBufferSize / 2,
            readerScheduler: PipeScheduler.Inline,
            useSynchronizationContext: false);
    }

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

    /// <summary>
    /// Completes once GOAWAY went either way and no stream is left open, or the channel closed. Whoever owns the
    /// channel decides how long to wait for it (<see cref="CloseGracefullyAsync"/>).
    /// </summary>
    public Task Drained => _drained.Task;

    /// <summary>Raised on the reader loop when the peer sends GOAWAY; no new streams should be started after it.</summary>
    public event Action<MuxConnection, ProtocolErrorCode, string>? GoAwayReceived;

    /// <summary>True once the channel is closing (every stream is failing or failed).</summary>
    internal bool IsClosing => Volatile.Read(ref _closing) != 0;

    /// <summary>
    /// Raised on the reader loop when the peer answers one of our PINGs. Internal, for tests that drive keepalive
    /// with a fake clock: they await each round trip before the next step instead of sleeping.
    /// </summary>
    internal event Action? PingAcknowledged;

    /// <summary>True once either side announced GOAWAY or the channel is closing: open no new streams.</summary>
    public bool IsDraining => _goAwaySent || _goAwayReceived || Volatile.Read(ref _closing) != 0;

    public int ActiveStreamCount
    {
        get
        {
            lock (StreamsLock)
            {
                return Streams.Count;
            }
        }
    }

    /// <summary>Bytes the channel's streams hold now, sent and received (<see cref="MuxOptions.ChannelBufferBudget"/>).</summary>
    public long BufferedBytes => Buffers.Used;

    /// <summary>Bytes of sealed records written to the transport so far (record overhead included).</summary>
    public long BytesSent => Volatile.Read(ref _bytesSent);

    /// <summary>Bytes of records received and opened so far (record overhead included).</summary>
    public long BytesReceived => Volatile.Read(ref _bytesReceived);

    /// <summary>
    /// Times data waited for flow control: a stream with data and no stream credit, the channel's send window spent
    /// with streams still ready, or an application write waiting for the channel's buffer budget.
    /// </summary>
    public long FlowControlStalls => Volatile.Read(ref _flowControlStalls);

    /// <summary>The smoothed round-trip time from PINGs, or null before the first answer.</summary>
    public TimeSpan? MeasuredRoundTrip => Volatile.Read(ref _roundTripMeasured) != 0 ? RoundTrip : null;

    /// <summary>What the channel's streams hold, against its budget.</summary>
    internal ChannelBuffers Buffers { get; }

    /// <summary>Options for every stream's inbound pipe, made once per channel (<see cref="MuxStream"/>).</summary>
    internal PipeOptions InboundPipeOptions { get; }

    /// <summary>Options for every stream's outbound pipe: the app's writes wait beyond <see cref="MuxOptions.StreamSendBufferSize"/>.</summary>
    internal PipeOptions OutboundPipeOptions { get; }

    /// <summary>Smoothed round-trip time from PINGs, at least 1 ms; used to grow stream windows.</summary>
    internal TimeSpan RoundTrip => TimeSpan.FromTicks(Math.Max(TimeSpan.TicksPerMillisecond, Volatile.Read(ref _roundTripTicks)));

    private protected MuxOptions Options { get; }

    private protected Dictionary<uint, MuxStream> Streams { get; } = [];

    private protected Lock StreamsLock { get; } = new();

    /// <summary>Highest stream id opened so far (by the server) or seen (by the agent); guarded by <see cref="StreamsLock"/>.</summary>
    private protected uint LastStreamId { get; set; }

    private protected ILogger Logger => _logger;

    private protected CancellationToken Stopping => _stopping.Token;

    /// <summary>Starts the reader, writer and keepalive loops.</summary>
    public void Start()
    {
        if (Interlocked.Exchange(ref _started, 1) != 0)
        {
            throw new InvalidOperationException("The connection is already running.");
        }

        // Raise our channel-level receive window from the protocol's initial 64 KiB to the configured size; not on a
        // channel closed before it started (a refusal), whose GOAWAY must be the only thing the peer hears.
        var growth = Volatile.Read(ref _closing) == 0 ? _receiveWindow.Expand(Options.ConnectionWindowSize) : 0;
        if (growth > 0)
        {
            EnqueueControl(new ControlFrame(FrameType.WindowUpdate, 0, growth), fromPeer: false);
        }

        _ = RunAsync();
    }

    /// <summary>Announces GOAWAY (NO_ERROR): no new streams either way; open ones go on until <see cref="Drained"/>.</summary>
    public void GoAway(string reason)
    {
        if (_goAwaySent || Volatile.Read(ref _closing) != 0)
        {
            return;
        }

        _goAwaySent = true;
        uint lastStreamId;
        lock (StreamsLock)
        {
            lastStreamId = LastStreamId;
        }

        EnqueueControl(new ControlFrame(FrameType.GoAway, 0, lastStreamId, ProtocolErrorCode.NoError, reason), fromPeer: false);
        Log.GoAwaySent(_logger, Name, reason);
        CheckDrained();
    }

    /// <summary>
    /// GOAWAY, then waits at most <paramref name="grace"/> for open streams to finish, then closes the channel.
    /// </summary>
    public async Task<MuxCloseReason> CloseGracefullyAsync(string reason, TimeSpan grace, CancellationToken cancellationToken = default)
    {
        GoAway(reason);
        try
        {
            await Drained.WaitAsync(grace, TimeProvider, cancellationToken);
        }
        catch (Exception ex) when (ex is TimeoutException or OperationCanceledException)
        {
            // The grace is over (or the caller stopped waiting): what is still open is cut.
        }

        Abort(ProtocolErrorCode.NoError, reason);
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

        // The loops dispose these as they end; a channel that never started has only this path. Disposing twice is harmless.
        _stallTimer.Dispose();
        _sealer.Dispose();
        _opener.Dispose();
        GC.SuppressFinalize(this);
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
        if (Interlocked.Increment(ref _controlCount) > Options.MaxPendingControlFrames && fromPeer)
        {
            Interlocked.Decrement(ref _controlCount);
            Close(ProtocolErrorCode.LimitExceeded, $"The peer made us queue more than {Options.MaxPendingControlFrames} control frames.", byPeer: false);
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
        lock (StreamsLock)
        {
            removed = Streams.Remove(stream.Id);
        }

        if (removed)
        {
            CheckDrained();
        }
    }

    /// <summary>Queues a frame that must leave in order with others queued under the same lock (OPEN).</summary>
    private protected void EnqueueOrderedControl(ControlFrame frame)
    {
        _control.Enqueue(frame);
        Interlocked.Increment(ref _controlCount);
    }

    private protected void WakeWriter() => _writerSignal.Set();

    /// <summary>Data waited for flow control (see <see cref="FlowControlStalls"/>); off the common path.</summary>
    internal void CountFlowControlStall() => Interlocked.Increment(ref _flowControlStalls);

    /// <summary>Reader loop: an OPEN frame (only agents accept them).</summary>
    private protected abstract void OnOpenFrame(in FrameHeader header, ReadOnlySpan<byte> payload);

    /// <summary>Reader loop: an ACCEPT frame (only servers accept them).</summary>
    private protected abstract void OnAcceptFrame(in FrameHeader header);

    /// <summary>Reader loop: a HEALTH frame (only servers accept them).</summary>
    private protected abstract void OnHealthFrame(bool serving);

    /// <summary>The channel closed and every stream failed: release whatever waits for new streams.</summary>
    private protected abstract void OnStreamsFailed();

    /// <summary>A refusal while draining is expected (Debug); one at the stream limit is worth a look (Warning).</summary>
    private protected void LogStreamRefused(uint streamId, string reason, bool draining)
        => Log.StreamRefused(_logger, draining ? LogLevel.Debug : LogLevel.Warning, Name, streamId, reason);

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
            uint lastStreamId;
            lock (StreamsLock)
            {
                lastStreamId = LastStreamId;
            }

            _control.Enqueue(new ControlFrame(FrameType.GoAway, 0, lastStreamId, code, message));
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
        _stallTimer.Dispose();
        _sealer.Dispose();
        _opener.Dispose();

        // _stopping is not disposed: it owns no timer, and OpenStreamAsync may still link to it after the loops end
        // (it checked IsDraining just before the close), where a disposed source would throw ObjectDisposedException.
        _completion.TrySetResult(reason);
    }

    private void LogClosed(MuxCloseReason reason)
    {
        Debug.Assert(Volatile.Read(ref _closing) != 0);
        if (reason.Code is ProtocolErrorCode.NoError or ProtocolErrorCode.ConnectionLost
            or ProtocolErrorCode.Revoked or ProtocolErrorCode.Replaced or ProtocolErrorCode.NameUnavailable)
        {
            // Ordinary endings, decisions included (revoked, replaced, name taken): the owner logs them in its words.
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
