namespace Burrow.Protocol.Mux.FlowControl;

/// <summary>
/// Every byte one channel holds for its streams (written by the application and not yet sent, received and not yet
/// read), counted against <see cref="MuxOptions.ChannelBufferBudget"/> and the shared <see cref="BufferBudget"/>.
/// Writers wait while the channel is over its budget, so a peer that grants huge windows and stops reading (issue #10)
/// can make the server hold at most the budget for it: the wait reaches the public client as TCP backpressure.
/// Received bytes are bounded by the receive window and only counted. Each stream releases what it still holds when it
/// ends (<see cref="MuxStream"/>), so the count returns to zero with the channel. Waiting is rare; the counting is one
/// interlocked add per write and per frame.
/// </summary>
internal sealed class ChannelBuffers
{
    private readonly long _limit;
    private readonly BufferBudget? _shared;
    private readonly Lock _lock = new();
    private long _used;
    private TaskCompletionSource? _room;

    public ChannelBuffers(long limit, BufferBudget? shared)
    {
        _limit = limit;
        _shared = shared;
    }

    public long Used => Volatile.Read(ref _used);

    public bool IsOver => Volatile.Read(ref _used) >= _limit;

    /// <summary>
    /// Charges <paramref name="bytes"/> written by the application if the channel is under its budget now; false (and
    /// nothing charged) when it is not. So the channel goes past its budget by at most one write.
    /// </summary>
    public bool TryCharge(int bytes)
    {
        while (true)
        {
            var used = Volatile.Read(ref _used);
            if (used >= _limit)
            {
                return false;
            }

            if (Interlocked.CompareExchange(ref _used, used + bytes, used) == used)
            {
                _shared?.Add(bytes);
                return true;
            }
        }
    }

    /// <summary>Charges bytes that arrived (bounded by the receive window, so never refused).</summary>
    public void Charge(int bytes)
    {
        Interlocked.Add(ref _used, bytes);
        _shared?.Add(bytes);
    }

    public void Release(int bytes)
    {
        if (bytes <= 0)
        {
            return;
        }

        var left = Interlocked.Add(ref _used, -bytes);
        _shared?.Add(-bytes);
        if (left < _limit && Volatile.Read(ref _room) is not null)
        {
            TaskCompletionSource? room;
            lock (_lock)
            {
                room = _room;
                _room = null;
            }

            room?.TrySetResult();
        }
    }

    /// <summary>Completes once the channel is back under its budget (at once if it is).</summary>
    public Task WaitForRoomAsync(CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            if (!IsOver)
            {
                return Task.CompletedTask;
            }

            _room ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            return _room.Task.WaitAsync(cancellationToken);
        }
    }
}
