namespace Burrow.Server.Channels;

/// <summary>Public requests in flight to one user's tunnels, across all their channels, against the per-user cap.</summary>
internal sealed class UserLoad
{
    private readonly int _max;
    private int _inFlight;

    public UserLoad(int max)
    {
        _max = max;
    }

    public int InFlight => Volatile.Read(ref _inFlight);

    public bool TryEnter()
    {
        if (Interlocked.Increment(ref _inFlight) > _max)
        {
            Interlocked.Decrement(ref _inFlight);
            return false;
        }

        return true;
    }

    public void Exit() => Interlocked.Decrement(ref _inFlight);
}
