using Burrow.Protocol;
using Burrow.Protocol.Mux;
using Microsoft.Extensions.Logging;
using Yarp.ReverseProxy.Forwarder;

namespace Burrow.Server.Edge;

/// <summary>
/// What a failed forward means, in plain words, and how loud to log it. The expected endings (the visitor went away,
/// the agent went away or is stopping, the agent reset the stream) are one Debug line: they happen all day and the
/// channel's own close is logged once at Information. The rest (the local server unreachable or slow, a broken
/// answer) is one Information line. None is a fault of the server's, so none is logged with a stack trace.
/// </summary>
internal readonly record struct ForwardFailure(LogLevel Level, string What)
{
    public static ForwardFailure Of(ForwarderError error, Exception? exception)
    {
        if (IsVisitorSide(error))
        {
            return new(LogLevel.Debug, "the visitor went away");
        }

        if (Find<MuxStreamException>(exception) is { } stream)
        {
            var reason = PeerText.Escape(stream.Reason);
            return stream.Code switch
            {
                ProtocolErrorCode.ConnectionLost => new(LogLevel.Debug, "the agent went away"),
                ProtocolErrorCode.RefusedStream => new(LogLevel.Debug, "the agent is going away"),
                ProtocolErrorCode.Cancel when reason.Length > 0 => new(LogLevel.Debug, $"the agent closed the connection: {reason}"),
                ProtocolErrorCode.Cancel => new(LogLevel.Debug, "the agent closed the connection"),
                ProtocolErrorCode.LocalUnreachable => new(LogLevel.Information, $"the agent could not reach {(reason.Length > 0 ? reason : "the local server")}"),
                ProtocolErrorCode.LimitExceeded => new(LogLevel.Information, "the tunnel has too many open connections"),
                _ => new(LogLevel.Information, $"the tunnel's stream failed ({stream.Code}{(reason.Length > 0 ? $": {reason}" : "")})"),
            };
        }

        return error == ForwarderError.RequestTimedOut
            ? new(LogLevel.Information, "the local server did not answer in time")
            : new(LogLevel.Information, $"{error}: {PeerText.Escape(exception?.Message ?? "no detail")}");
    }

    /// <summary>The tunnel's channel started to close and closed this upgraded connection itself (a drain does not wait for it).</summary>
    public static ForwardFailure ChannelClosing(string reason) => new(LogLevel.Debug, $"closed with its tunnel: {reason}");

    /// <summary>The visitor closed the connection or canceled the request (YARP names the visitor "client").</summary>
    private static bool IsVisitorSide(ForwarderError error) => error is ForwarderError.RequestCanceled
        or ForwarderError.RequestBodyCanceled or ForwarderError.RequestBodyClient
        or ForwarderError.ResponseBodyCanceled or ForwarderError.ResponseBodyClient
        or ForwarderError.UpgradeRequestCanceled or ForwarderError.UpgradeRequestClient
        or ForwarderError.UpgradeResponseCanceled or ForwarderError.UpgradeResponseClient;

    public static T? Find<T>(Exception? exception)
        where T : Exception
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            if (e is T match)
            {
                return match;
            }
        }

        return null;
    }
}
