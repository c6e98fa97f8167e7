using System.Diagnostics;

namespace Burrow.Server.Observability;

/// <summary>
/// What the edge keeps about one forwarded request while it runs (a request feature): the tunnel's counters, the body
/// counters and the span. Made only for requests that are forwarded; everything else is counted at the end.
/// </summary>
internal sealed class EdgeRequest
{
    public EdgeRequest(TunnelTraffic traffic, CountingResponseBody response, CountingRequestBody? request, CountingUpgrade? upgrade, Activity? activity)
    {
        Upgrade = upgrade;
        Traffic = traffic;
        Response = response;
        Request = request;
        Activity = activity;
    }

    public TunnelTraffic Traffic { get; }

    public CountingResponseBody Response { get; }

    public CountingRequestBody? Request { get; }

    /// <summary>Set for a request that may become a WebSocket: counts the upgraded connection's bytes.</summary>
    public CountingUpgrade? Upgrade { get; }

    public Activity? Activity { get; }
}
