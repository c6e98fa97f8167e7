namespace Burrow.Agent;

/// <summary>
/// One HTTP exchange seen on a tunnel connection, for the console's request list. <paramref name="Id"/> is the
/// inspector's id for it (null when the inspector is off), for <c>burrow replay ID</c>.
/// </summary>
public sealed record RequestSummary(string Method, string Path, int Status, TimeSpan Duration, DateTimeOffset StartedAt, long? Id = null)
{
    /// <summary>The request's W3C traceparent header (the edge's span), kept only while the agent records spans.</summary>
    public string? TraceParent { get; init; }
}
