namespace Burrow.Agent;

/// <summary>One HTTP exchange seen on a tunnel connection, for the console's request list.</summary>
public sealed record RequestSummary(string Method, string Path, int Status, TimeSpan Duration, DateTimeOffset StartedAt);
