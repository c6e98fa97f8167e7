using Burrow.Protocol;
using Burrow.Protocol.Mux;
using Burrow.Server.Registration;

namespace Burrow.Server.Channels;

/// <summary>
/// A live, authenticated channel and the names it serves, with its one lifecycle (<see cref="ChannelState"/>) and one
/// close path (<see cref="CloseAsync"/>) used by shutdown, revocation, refusal, replacement and failure alike.
/// Requests in flight are counted here, once: a graceful close waits for the ordinary ones and closes upgraded
/// connections (WebSockets), which never finish by themselves, as it starts.
/// </summary>
internal sealed class TunnelChannel
{
    private static long _nextId;

    private readonly TunnelRegistry _registry;
    private readonly UserLoad _userLoad;
    private readonly TimeSpan _grace;
    private readonly Lock _lock = new();
    private readonly TaskCompletionSource _requestsDone = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly HashSet<Action> _upgradedClosers = new(ReferenceEqualityComparer.Instance);
    private ChannelState _state = ChannelState.Pending;
    private readonly TaskCompletionSource _closed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private bool _closeStarted;
    private int _requests;
    private int _upgraded;
    private volatile bool _serving = true;

    internal TunnelChannel(ServerMuxConnection connection, PendingRegistration registration, Func<string, string> hostOf, string remoteEndPoint, TunnelRegistry registry, TimeSpan grace)
    {
        Id = Interlocked.Increment(ref _nextId);
        Connection = connection;
        UserId = registration.UserId;
        UserName = registration.UserName;
        TokenId = registration.TokenId;
        Names = registration.Names;
        Pooled = registration.Pooled;
        AgentVersion = registration.AgentVersion;
        RemoteEndPoint = remoteEndPoint;
        ConnectedAt = connection.TimeProvider.GetUtcNow();
        Routes = registration.Names.ToDictionary(name => name, name => new TunnelRoute(this, name, hostOf(name), registration.Policies.GetValueOrDefault(name)), StringComparer.Ordinal);
        _registry = registry;
        _userLoad = registry.LoadOf(registration.UserId);
        _grace = grace;
    }

    /// <summary>Unique within the process, for logs, routes and the admin API.</summary>
    public long Id { get; }

    public ServerMuxConnection Connection { get; }

    public long UserId { get; }

    public string UserName { get; }

    public long TokenId { get; }

    public IReadOnlyList<string> Names { get; }

    /// <summary>Joins the channels already serving its names instead of replacing them.</summary>
    public bool Pooled { get; }

    public string RemoteEndPoint { get; }

    /// <summary>The agent's User-Agent at registration (escaped), or null when it sent none.</summary>
    public string? AgentVersion { get; }

    public DateTimeOffset ConnectedAt { get; }

    public IReadOnlyDictionary<string, TunnelRoute> Routes { get; }

    public ChannelState State
    {
        get
        {
            lock (_lock)
            {
                return _state;
            }
        }
    }

    /// <summary>False while the agent reports its local server down (HEALTH): the channel then gets no new requests.</summary>
    public bool IsServing
    {
        get => _serving;
        internal set => _serving = value;
    }

    /// <summary>Requests being forwarded now, upgraded connections included: what load balancing compares.</summary>
    public int InFlight => Volatile.Read(ref _requests) + Volatile.Read(ref _upgraded);

    /// <summary>
    /// Counts a public request in, unless the channel no longer takes requests. <paramref name="upgrade"/> marks a
    /// connection that may become long-lived (a WebSocket): a drain does not wait for those.
    /// </summary>
    public RequestAdmission TryBeginRequest(bool upgrade)
    {
        lock (_lock)
        {
            if (_state != ChannelState.Live)
            {
                return RequestAdmission.NotLive;
            }

            if (!_userLoad.TryEnter())
            {
                return RequestAdmission.UserBusy;
            }

            Interlocked.Increment(ref upgrade ? ref _upgraded : ref _requests);
            return RequestAdmission.Admitted;
        }
    }

    public void EndRequest(bool upgrade)
    {
        _userLoad.Exit();
        if (Interlocked.Decrement(ref upgrade ? ref _upgraded : ref _requests) == 0 && !upgrade && State == ChannelState.Draining)
        {
            _requestsDone.TrySetResult();
        }
    }

    /// <summary>The reason the first close was asked with (null while open): what the channel's end is logged with.</summary>
    public string? CloseReason { get; private set; }

    /// <summary>
    /// Registers how to close an upgraded request at once (abort its public connection) when the channel starts to
    /// close. On a channel already closing it is called now. <see cref="UntrackUpgraded"/> when the request ends.
    /// </summary>
    public void TrackUpgraded(Action close)
    {
        lock (_lock)
        {
            if (!_closeStarted)
            {
                _upgradedClosers.Add(close);
                return;
            }
        }

        close();
    }

    public void UntrackUpgraded(Action close)
    {
        lock (_lock)
        {
            _upgradedClosers.Remove(close);
        }
    }

    /// <summary>Pending to Live: called by the registry once the channel's names are claimed and routed.</summary>
    internal void MarkLive()
    {
        lock (_lock)
        {
            if (_state == ChannelState.Pending)
            {
                _state = ChannelState.Live;
            }
        }
    }

    /// <summary>
    /// The one way a channel ends. Graceful: no new requests, GOAWAY, in-flight requests get the grace period, then
    /// the connection closes. Immediate: GOAWAY with <paramref name="code"/> and the connection closes now. Either
    /// way the channel leaves the registry first. Idempotent; an immediate close cuts a graceful one short.
    /// </summary>
    public Task CloseAsync(ProtocolErrorCode code, string reason, bool graceful)
    {
        Action[]? upgraded = null;
        lock (_lock)
        {
            if (!_closeStarted)
            {
                _closeStarted = true;
                _state = _state == ChannelState.Closed ? ChannelState.Closed : ChannelState.Draining;
                CloseReason = reason;
                upgraded = [.. _upgradedClosers];
                _upgradedClosers.Clear();
            }
        }

        if (upgraded is null)
        {
            if (!graceful)
            {
                Connection.Abort(code, reason);
            }

            return _closed.Task;
        }

        // The close itself starts first, so nothing below can keep the channel from closing; then, outside the lock,
        // the upgraded connections are cut (they abort public connections). A request may have ended between the copy
        // above and its closer running, and Kestrel then refuses the abort on a context it has let go: that is the
        // closer's job done, not the channel's failure.
        _ = CloseInBackgroundAsync(code, reason, graceful);
        foreach (var close in upgraded)
        {
            try
            {
                close();
            }
            catch (ObjectDisposedException)
            {
            }
        }

        return _closed.Task;
    }

    /// <summary>
    /// Runs the close that <see cref="CloseAsync"/> started. It must end whatever fails on the way: nothing else
    /// completes <see cref="_closed"/>, and the server's stop and the admission of a replacing channel await it.
    /// </summary>
    private async Task CloseInBackgroundAsync(ProtocolErrorCode code, string reason, bool graceful)
    {
        try
        {
            await (graceful ? DrainAsync(code, reason) : AbortAsync(code, reason));
        }
        catch (Exception ex)
        {
            Connection.Abort(code, reason);
            lock (_lock)
            {
                _state = ChannelState.Closed;
            }

            _closed.TrySetException(ex);
        }
    }

    /// <summary>GOAWAY (NO_ERROR: no new streams), the grace for requests in flight, then the close with <paramref name="code"/>.</summary>
    private async Task DrainAsync(ProtocolErrorCode code, string reason)
    {
        _registry.Remove(this);
        if (Volatile.Read(ref _requests) == 0)
        {
            _requestsDone.TrySetResult();
        }

        Connection.GoAway(reason);
        using var timeout = new CancellationTokenSource(_grace, Connection.TimeProvider);
        await Task.WhenAny(_requestsDone.Task, Connection.Completion, Task.Delay(Timeout.Infinite, timeout.Token));
        await AbortAsync(code, reason);
    }

    private async Task AbortAsync(ProtocolErrorCode code, string reason)
    {
        _registry.Remove(this);
        Connection.Abort(code, reason);
        await Connection.Completion;
        lock (_lock)
        {
            _state = ChannelState.Closed;
        }

        _closed.TrySetResult();
    }
}
