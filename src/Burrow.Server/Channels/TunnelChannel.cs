using Burrow.Protocol.Mux;

namespace Burrow.Server.Channels;

/// <summary>A live, authenticated channel and the names it serves.</summary>
internal sealed class TunnelChannel
{
    private int _inFlight;
    private volatile TaskCompletionSource? _drained;

    public TunnelChannel(MuxConnection connection, PendingRegistration registration, string domain, string remoteEndPoint)
    {
        Connection = connection;
        UserId = registration.UserId;
        UserName = registration.UserName;
        TokenId = registration.TokenId;
        Names = registration.Names;
        Hosts = registration.Names.ToDictionary(name => name, name => $"{name}.{domain}", StringComparer.Ordinal);
        RemoteEndPoint = remoteEndPoint;
    }

    public MuxConnection Connection { get; }

    public long UserId { get; }

    public string UserName { get; }

    public long TokenId { get; }

    public IReadOnlyList<string> Names { get; }

    /// <summary>Public host per name, sent in OPEN so the agent knows which local target a stream is for.</summary>
    public IReadOnlyDictionary<string, string> Hosts { get; }

    public string RemoteEndPoint { get; }

    /// <summary>Public requests being forwarded over this channel right now (WebSockets count for their lifetime).</summary>
    public int InFlight => Volatile.Read(ref _inFlight);

    public void BeginRequest() => Interlocked.Increment(ref _inFlight);

    public void EndRequest()
    {
        if (Interlocked.Decrement(ref _inFlight) == 0)
        {
            _drained?.TrySetResult();
        }
    }

    /// <summary>
    /// Graceful close after GOAWAY: waits for in-flight requests (at most <paramref name="grace"/>), then closes the
    /// channel. Idle keep-alive streams in YARP's connection pool would otherwise hold the drain open until the grace
    /// period ends, although nothing is using them.
    /// </summary>
    public async Task DrainAndCloseAsync(TimeSpan grace, string reason, TimeProvider time)
    {
        var drained = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _drained = drained;
        if (InFlight == 0)
        {
            drained.TrySetResult();
        }

        using var timeout = new CancellationTokenSource(grace, time);
        await Task.WhenAny(drained.Task, Connection.Completion, Task.Delay(Timeout.Infinite, timeout.Token));
        Connection.Abort(Protocol.ProtocolErrorCode.NoError, reason);
        await Connection.Completion;
    }
}
