using Microsoft.AspNetCore.Http;

namespace Burrow.Server.Edge;

/// <summary>
/// A request that may become a long-lived upgraded connection, as its channel sees it: the channel's close cuts it
/// (<see cref="Close"/>, handed to <c>TunnelChannel.TrackUpgraded</c>), but only while the request is still running.
/// Once the request has ended (<see cref="End"/>), Kestrel may reuse its <see cref="HttpContext"/> for the next request
/// on the connection (a local server that refused the upgrade leaves the connection keep-alive), and an abort then
/// would cut a stranger's request. The abort runs under the lock that <see cref="End"/> takes, so the request cannot
/// end, and its context cannot be reused, while it runs; aborting only flags the connection, it calls back into
/// nothing of ours.
/// </summary>
internal sealed class UpgradedRequest
{
    private readonly HttpContext _context;
    private readonly Lock _lock = new();
    private bool _ended;

    public UpgradedRequest(HttpContext context)
    {
        _context = context;
        Close = CloseIfRunning;
    }

    /// <summary>The closer to track on the channel (one delegate, so the channel can untrack the same one).</summary>
    public Action Close { get; }

    /// <summary>True when the channel's close cut the request (its error then names the channel's reason).</summary>
    public bool ClosedByChannel { get; private set; }

    /// <summary>The request is over: from now on a close leaves its context alone.</summary>
    public void End()
    {
        lock (_lock)
        {
            _ended = true;
        }
    }

    private void CloseIfRunning()
    {
        lock (_lock)
        {
            if (_ended)
            {
                return;
            }

            ClosedByChannel = true;
            _context.Abort();
        }
    }
}
