using Microsoft.Extensions.Logging;

namespace Burrow.Agent.Inspection;

/// <summary>The inspector's log events (ids 4100-4199). Text that came from a peer is escaped by the caller (PeerText).</summary>
internal static partial class InspectorLog
{
    [LoggerMessage(InspectorEventIds.Listening, LogLevel.Information, "Request inspector on {Url}")]
    public static partial void Listening(ILogger logger, string url);

    [LoggerMessage(InspectorEventIds.PortTaken, LogLevel.Debug, "Inspector port {Port} is taken; trying the next")]
    public static partial void PortTaken(ILogger logger, int port);

    [LoggerMessage(InspectorEventIds.Replayed, LogLevel.Information, "Replayed request {Original} as {Replay}: {Status}")]
    public static partial void Replayed(ILogger logger, long original, long replay, int status);

    [LoggerMessage(InspectorEventIds.ReplayFailed, LogLevel.Warning, "Replay of request {Original} failed: {Reason}")]
    public static partial void ReplayFailed(ILogger logger, long original, string reason);

    [LoggerMessage(InspectorEventIds.RequestRejected, LogLevel.Warning, "Inspector refused {Method} {Path}: {Reason}")]
    public static partial void Rejected(ILogger logger, string method, string path, string reason);

    [LoggerMessage(InspectorEventIds.RequestFailed, LogLevel.Error, "Inspector request {Method} {Path} failed")]
    public static partial void Failed(ILogger logger, Exception exception, string method, string path);
}
