using System.Diagnostics;

namespace Burrow.Protocol.Mux.FlowControl;

/// <summary>
/// Credit this side may still send. Taken only by the writer loop; grown by WINDOW_UPDATE frames on the reader loop.
/// Taking is partial: a sender gets what is available up to what it asked for.
/// </summary>
internal sealed class SendWindow
{
    private long _available;

    public SendWindow(int initial)
    {
        _available = initial;
    }

    public long Available => Volatile.Read(ref _available);

    public int Take(int wanted)
    {
        var taken = (int)Math.Min(wanted, Volatile.Read(ref _available));
        if (taken <= 0)
        {
            return 0;
        }

        Interlocked.Add(ref _available, -taken);
        return taken;
    }

    /// <summary>Adds a peer's increment; false when the window would pass 2^31-1 (the peer broke the protocol).</summary>
    public bool TryGrow(int increment)
    {
        Debug.Assert(increment > 0);
        return Interlocked.Add(ref _available, increment) <= FlowControlLimits.MaxWindowSize;
    }
}
