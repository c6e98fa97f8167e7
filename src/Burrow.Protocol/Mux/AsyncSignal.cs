using System.Threading.Tasks.Sources;

namespace Burrow.Protocol.Mux;

/// <summary>
/// An allocation-free auto-reset event for exactly one waiter (the writer loop). Setting it when nobody waits
/// leaves it signalled, so a wake-up is never lost.
/// </summary>
internal sealed class AsyncSignal : IValueTaskSource
{
    private readonly object _lock = new();
    private ManualResetValueTaskSourceCore<bool> _core = new() { RunContinuationsAsynchronously = false };
    private bool _signalled;
    private bool _waiting;

    public ValueTask WaitAsync()
    {
        lock (_lock)
        {
            if (_signalled)
            {
                _signalled = false;
                return default;
            }

            _waiting = true;
            _core.Reset();
            return new ValueTask(this, _core.Version);
        }
    }

    public void Set()
    {
        lock (_lock)
        {
            if (!_waiting)
            {
                _signalled = true;
                return;
            }

            _waiting = false;
        }

        // Completing outside the lock. The waiter (the writer loop) runs inline on the signalling thread, as Kestrel's
        // HTTP/2 frame writer does: no thread hop between a write and its record reaching the socket.
        _core.SetResult(true);
    }

    void IValueTaskSource.GetResult(short token) => _core.GetResult(token);

    ValueTaskSourceStatus IValueTaskSource.GetStatus(short token) => _core.GetStatus(token);

    void IValueTaskSource.OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags)
        => _core.OnCompleted(continuation, state, token, flags);
}
