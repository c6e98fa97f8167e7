namespace Burrow.Protocol.Mux;

/// <summary>
/// Keepalive: after <see cref="MuxOptions.KeepAliveInterval"/> without a record from the peer, PING it; after
/// <see cref="MuxOptions.KeepAliveMissedIntervals"/> silent intervals, declare the channel dead so its streams fail
/// fast and the server frees the name. Time comes from <see cref="TimeProvider"/>, so tests drive it with a fake clock.
/// </summary>
public abstract partial class MuxConnection
{
    private async Task KeepAliveLoopAsync()
    {
        var token = _stopping.Token;
        if (token.IsCancellationRequested)
        {
            // Closed before it started: the GOAWAY goes out alone.
            return;
        }

        // One ping right away measures the round trip that stream windows grow by.
        EnqueueControl(new ControlFrame(FrameType.Ping, 0, TimeProvider.GetTimestamp()), fromPeer: false);
        var interval = Options.KeepAliveInterval;
        if (interval == Timeout.InfiniteTimeSpan)
        {
            return;
        }

        try
        {
            while (!token.IsCancellationRequested)
            {
                await Task.Delay(interval, TimeProvider, token);
                var silent = TimeProvider.GetElapsedTime(Volatile.Read(ref _lastReceiveTimestamp));
                if (silent >= interval * Options.KeepAliveMissedIntervals)
                {
                    Close(ProtocolErrorCode.KeepaliveTimeout, $"No record from the peer for {silent.TotalSeconds:0.#} s.", byPeer: false);
                    return;
                }

                if (silent >= interval)
                {
                    EnqueueControl(new ControlFrame(FrameType.Ping, 0, TimeProvider.GetTimestamp()), fromPeer: false);
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }
}
