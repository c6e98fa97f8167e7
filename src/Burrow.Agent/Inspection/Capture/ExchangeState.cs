namespace Burrow.Agent.Inspection.Capture;

/// <summary>Where a captured exchange is in its life.</summary>
internal enum ExchangeState
{
    /// <summary>The response head has arrived; its body is still coming.</summary>
    InProgress,

    /// <summary>Request and response are complete.</summary>
    Complete,

    /// <summary>The connection switched protocols (101) and is still open.</summary>
    Upgraded,

    /// <summary>The connection closed before the response was complete (or before there was one).</summary>
    Aborted,
}
