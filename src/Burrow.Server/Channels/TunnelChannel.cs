using Burrow.Protocol.Mux;

namespace Burrow.Server.Channels;

/// <summary>A live, authenticated channel and the names it serves.</summary>
internal sealed class TunnelChannel
{
    private int _inFlight;

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

    public void EndRequest() => Interlocked.Decrement(ref _inFlight);

    /// <summary>
    /// Graceful close after GOAWAY: waits for in-flight requests (at most <paramref name="grace"/>), then closes the
    /// channel. Idle keep-alive streams in YARP's connection pool would otherwise hold the drain open until the grace
    /// period ends, although nothing is using them.
    /// </summary>
    public async Task DrainAndCloseAsync(TimeSpan grace, string reason, TimeProvider time)
    {
        var started = time.GetTimestamp();
        while (InFlight > 0 && time.GetElapsedTime(started) < grace && !Connection.Completion.IsCompleted)
        {
            await Task.WhenAny(Connection.Completion, Task.Delay(TimeSpan.FromMilliseconds(25), time));
        }

        Connection.Abort(Protocol.ProtocolErrorCode.NoError, reason);
        await Connection.Completion;
    }
}
