namespace Burrow.Protocol.Mux;

/// <summary>
/// Keepalive, both directions: every <see cref="MuxOptions.KeepAliveInterval"/> a PING goes out unless one is still
/// unanswered; after <see cref="MuxOptions.KeepAliveMissedIntervals"/> intervals without a record from the peer, or
/// without an answer to our PING, the channel is dead, so its streams fail fast and the server frees the name. Time comes from <see cref="TimeProvider"/>, so tests drive it with a fake clock.
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
        SendKeepAlivePing();
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
                var deadline = interval * Options.KeepAliveMissedIntervals;
                var silent = TimeProvider.GetElapsedTime(Volatile.Read(ref _lastReceiveTimestamp));
                if (silent >= deadline)
                {
                    Close(ProtocolErrorCode.KeepaliveTimeout, $"No record from the peer for {silent.TotalSeconds:0.#} s.", byPeer: false);
                    return;
                }

                // Both directions: a peer that keeps sending but never reads (so never answers PING) is as dead as a
                // silent one (issue #10).
                var pingSent = Volatile.Read(ref _pingSentTimestamp);
                if (pingSent != 0 && TimeProvider.GetElapsedTime(pingSent) >= deadline)
                {
                    Close(ProtocolErrorCode.KeepaliveTimeout, $"No answer to PING for {TimeProvider.GetElapsedTime(pingSent).TotalSeconds:0.#} s.", byPeer: false);
                    return;
                }

                if (pingSent == 0)
                {
                    SendKeepAlivePing();
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private void SendKeepAlivePing()
    {
        var now = TimeProvider.GetTimestamp();
        Volatile.Write(ref _pingSentTimestamp, now);
        EnqueueControl(new ControlFrame(FrameType.Ping, 0, now), fromPeer: false);
    }
}
